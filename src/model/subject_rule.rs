//! The Open Badges 3.0 AchievementSubject rule, in one place: the subject's
//! `type` includes `AchievementSubject` and the subject has an `id` or at
//! least one `identifier` (OB 3.0 §B.1 AchievementSubject; §9.1 step 1); its
//! `achievement` has a `type` including `Achievement`, a name, a description
//! and criteria (OB 3.0 §B.1 Achievement).
//!
//! Two readers walk it, in the same order: the check before signing
//! ([`OpenBadgeCredential::validate_for_signing`](super::OpenBadgeCredential::validate_for_signing),
//! over typed values, stopping at the first breach) and the inspection of a
//! received document ([`inspect_credential`](super::inspect_credential), over
//! raw JSON, recording every breach with its stable code). Each reader
//! decides whether a requirement holds in its own data, how a breach is
//! reported, and what it checks besides at the points of the walk named by [`After`].

use std::ops::ControlFlow;

/// One requirement of the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Requirement {
    /// `credentialSubject.type` includes `AchievementSubject`.
    SubjectType,
    /// The subject has an `id` or at least one `identifier` (OB 3.0 §9.1).
    Identified,
    /// `achievement.type` includes `Achievement`.
    AchievementType,
    /// The achievement has a name.
    AchievementName,
    /// The achievement has a description.
    AchievementDescription,
    /// The achievement has criteria.
    AchievementCriteria,
}

/// A point of the walk where a reader checks what only it knows about:
/// right after the requirement of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum After {
    /// After [`Requirement::SubjectType`].
    SubjectType,
    /// After [`Requirement::Identified`].
    Identified,
    /// After [`Requirement::AchievementType`].
    AchievementType,
}

/// A reader of one AchievementSubject.
pub(crate) trait SubjectReader {
    /// What ends the walk early (a reader that records every breach never
    /// stops).
    type Stop;

    /// Whether `requirement` holds.
    fn holds(&mut self, requirement: Requirement) -> bool;

    /// Reports a requirement that does not hold.
    fn breach(&mut self, requirement: Requirement) -> ControlFlow<Self::Stop>;

    /// Checks what the reader knows besides the rule, at `point`.
    fn extra(&mut self, point: After) -> ControlFlow<Self::Stop>;

    /// Moves to the achievement: `true` when there is one to check (a
    /// missing or malformed achievement is the reader's to report).
    fn enter_achievement(&mut self) -> ControlFlow<Self::Stop, bool>;
}

/// Walks the rule over `reader`, in the rule's order.
pub(crate) fn check_achievement_subject<R: SubjectReader>(reader: &mut R) -> ControlFlow<R::Stop> {
    require(reader, Requirement::SubjectType)?;
    reader.extra(After::SubjectType)?;
    require(reader, Requirement::Identified)?;
    reader.extra(After::Identified)?;
    if !reader.enter_achievement()? {
        return ControlFlow::Continue(());
    }
    require(reader, Requirement::AchievementType)?;
    reader.extra(After::AchievementType)?;
    require(reader, Requirement::AchievementName)?;
    require(reader, Requirement::AchievementDescription)?;
    require(reader, Requirement::AchievementCriteria)
}

fn require<R: SubjectReader>(reader: &mut R, requirement: Requirement) -> ControlFlow<R::Stop> {
    if reader.holds(requirement) {
        ControlFlow::Continue(())
    } else {
        reader.breach(requirement)
    }
}

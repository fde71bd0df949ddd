//! Admin console sessions: a bearer token (scope `admin` or `grader`)
//! exchanged at sign-in for a session whose secret lives in a cookie. The
//! rules — who may sign in, how long a session lasts, when it ends, the
//! CSRF token every form must carry — live here, for every node (the
//! sessions are in the database, so any node on one PostgreSQL serves them).

use super::tokens::{AuthError, Scope, authenticate, token_hash};
use super::{Actor, IssuanceError, Issuer, Role, stamp};
use crate::audit::AuditDraft;
use crate::store::{SessionRecord, Store};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

/// A session ends after this long without a request.
pub const SESSION_IDLE: Duration = Duration::minutes(30);
/// A session ends this long after sign-in, however busy.
pub const SESSION_MAX: Duration = Duration::hours(12);
/// A session's last use is written at most this often.
pub const TOUCH_EVERY: Duration = Duration::seconds(60);

/// A signed-in console user.
#[derive(Debug, Clone)]
pub struct ConsoleSession {
    /// SHA-256 of the session secret.
    pub id_hash: String,
    /// The CSRF token its forms carry.
    pub csrf: String,
    /// Who, for the audit log: the token's actor, as through the API.
    pub actor: Actor,
    /// The token's scope (`admin` or `grader`).
    pub scope: Scope,
    /// The token's name (a grader token's name is the grader's e-mail).
    pub token_name: String,
    /// When the session ends at the latest.
    pub ends_at: DateTime<Utc>,
}

/// Why a session or a sign-in was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// No such session, or a token that is not ours.
    #[error("unknown session or token")]
    Unknown,
    /// The session ended: signed out, idle too long, past its lifetime.
    #[error("the session has ended; sign in again")]
    Ended,
    /// The token was revoked.
    #[error("the token was revoked")]
    Revoked,
    /// An `issuer` token: it may only issue over VC-API.
    #[error("an issuer token cannot sign in to the console; use an admin or grader token")]
    WrongScope,
    /// The database cannot be read right now.
    #[error("sessions cannot be checked right now: {0}")]
    Unavailable(String),
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.to_utc())
}

/// The session whose cookie secret is `secret`, at `now`: refused when
/// unknown, ended, idle longer than [`SESSION_IDLE`], older than
/// [`SESSION_MAX`], or when its token was revoked. Refreshes its last use
/// (at most every [`TOUCH_EVERY`]).
pub async fn console_session(
    store: &dyn Store,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<ConsoleSession, SessionError> {
    let id_hash = token_hash(secret.trim());
    let (session, token) = store
        .console_session(&id_hash)
        .await
        .map_err(|e| SessionError::Unavailable(e.to_string()))?
        .ok_or(SessionError::Unknown)?;
    if token.revoked_at.is_some() {
        return Err(SessionError::Revoked);
    }
    let created = parse_time(&session.created_at).ok_or(SessionError::Ended)?;
    let seen = parse_time(&session.last_seen_at).ok_or(SessionError::Ended)?;
    if session.ended_at.is_some() || now - seen > SESSION_IDLE || now - created > SESSION_MAX {
        return Err(SessionError::Ended);
    }
    let scope = Scope::parse(&token.scope).ok_or(SessionError::WrongScope)?;
    if scope == Scope::Issuer {
        return Err(SessionError::WrongScope);
    }
    if now - seen >= TOUCH_EVERY {
        store
            .touch_console_session(&id_hash, &stamp(now))
            .await
            .map_err(|e| SessionError::Unavailable(e.to_string()))?;
    }
    Ok(ConsoleSession {
        id_hash,
        csrf: session.csrf,
        actor: Actor {
            name: format!("token:{}:{}", token.id, token.name),
            role: scope.role(),
        },
        scope,
        token_name: token.name,
        ends_at: created + SESSION_MAX,
    })
}

/// Whether `presented` is the session's CSRF token (compared in constant time).
pub fn csrf_matches(session: &ConsoleSession, presented: &str) -> bool {
    let (a, b) = (session.csrf.as_bytes(), presented.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Issuer<'_> {
    /// Signs in with a token (scope `admin` or `grader`): a new session and
    /// its secret (the cookie value, never stored), audited as
    /// `console.sign_in` with the token's actor.
    pub async fn sign_in(
        &self,
        token_secret: &str,
    ) -> Result<(ConsoleSession, String), SessionError> {
        let (token, actor) = authenticate(self.store, token_secret)
            .await
            .map_err(|e| match e {
                AuthError::Unknown => SessionError::Unknown,
                AuthError::Revoked => SessionError::Revoked,
                AuthError::Unavailable(m) => SessionError::Unavailable(m),
            })?;
        let scope = Scope::parse(&token.scope).ok_or(SessionError::WrongScope)?;
        if scope == Scope::Issuer {
            return Err(SessionError::WrongScope);
        }
        let (secret, csrf) = (random_token()?, random_token()?);
        let now = self.now();
        let at = stamp(now);
        let record = SessionRecord {
            id_hash: token_hash(&secret),
            token_id: token.id.clone(),
            csrf: csrf.clone(),
            created_at: at.clone(),
            last_seen_at: at.clone(),
            ended_at: None,
        };
        let unavailable = |e: crate::store::StoreError| SessionError::Unavailable(e.to_string());
        let mut tx = self.store.begin().await.map_err(unavailable)?;
        tx.insert_console_session(&record)
            .await
            .map_err(unavailable)?;
        tx.append_audit(
            &[AuditDraft::new(
                &actor.name,
                "console.sign_in",
                &token.id,
                json!({}),
            )],
            &at,
        )
        .await
        .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        Ok((
            ConsoleSession {
                id_hash: record.id_hash,
                csrf,
                actor,
                scope,
                token_name: token.name,
                ends_at: now + SESSION_MAX,
            },
            secret,
        ))
    }

    /// Ends a session (sign-out), audited as `console.sign_out`.
    pub async fn sign_out(&self, session: &ConsoleSession) -> Result<(), IssuanceError> {
        let at = stamp(self.now());
        let mut tx = self.store.begin().await?;
        if tx.end_console_session(&session.id_hash, &at).await? {
            tx.append_audit(
                &[AuditDraft::new(
                    &session.actor.name,
                    "console.sign_out",
                    &session.actor.name,
                    json!({}),
                )],
                &at,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// 32 random bytes from the OS generator, base64url: a session secret or
/// a CSRF token.
fn random_token() -> Result<String, SessionError> {
    super::random_secret().map_err(|e| SessionError::Unavailable(e.to_string()))
}

/// Whether a role may use a console page meant for admins.
pub fn is_admin(session: &ConsoleSession) -> bool {
    session.actor.role == Role::Admin
}

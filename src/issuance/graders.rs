//! Registered lab graders: who may grade a lab (known by e-mail, which
//! stays in the private records and the audit log) and how a credential
//! names them in its public evidence (a display name and/or a role, never
//! the e-mail).

use serde::Deserialize;

/// How a credential names a grader configured with neither a `name` nor a
/// `role`.
pub const DEFAULT_GRADER_ROLE: &str = "Professional Services engineer";

/// Longest public name or role, in characters.
const MAX_PUBLIC_TEXT: usize = 120;

/// One registered grader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grader {
    /// The grader's e-mail (or token name), trimmed and lower-cased: what a
    /// lab result and a grader token name. Private.
    pub email: String,
    /// Display name published in credentials, e.g. "Ana Silva".
    pub name: Option<String>,
    /// Role published in credentials, e.g. "GitLab Professional Services engineer".
    pub role: Option<String>,
}

impl Grader {
    /// A grader with a public `name` and/or `role`; refuses an empty
    /// e-mail and a name or role that is empty, too long, holds control
    /// characters or looks like an e-mail address.
    pub fn new(email: &str, name: Option<&str>, role: Option<&str>) -> Result<Grader, String> {
        let email = email.trim().to_lowercase();
        if email.is_empty() {
            return Err("a grader's email is empty".into());
        }
        let public = |field: &str, v: Option<&str>| -> Result<Option<String>, String> {
            let Some(v) = v else { return Ok(None) };
            let v = v.trim();
            if v.is_empty() {
                return Err(format!(
                    "grader {email}: {field} is empty (leave it out instead)"
                ));
            }
            if v.chars().count() > MAX_PUBLIC_TEXT {
                return Err(format!(
                    "grader {email}: {field} is longer than {MAX_PUBLIC_TEXT} characters"
                ));
            }
            if v.chars().any(char::is_control) {
                return Err(format!("grader {email}: {field} holds a control character"));
            }
            if v.contains('@') {
                return Err(format!(
                    "grader {email}: {field} {v:?} contains '@'; it is published in credentials, so it must not be an e-mail address"
                ));
            }
            Ok(Some(v.to_owned()))
        };
        Ok(Grader {
            name: public("name", name)?,
            role: public("role", role)?,
            email,
        })
    }

    /// How credentials name this grader: "name, role", the name or the role
    /// alone, or [`DEFAULT_GRADER_ROLE`].
    pub fn public_label(&self) -> String {
        match (&self.name, &self.role) {
            (Some(n), Some(r)) => format!("{n}, {r}"),
            (Some(n), None) => n.clone(),
            (None, Some(r)) => r.clone(),
            (None, None) => DEFAULT_GRADER_ROLE.to_owned(),
        }
    }

    /// Whether `who` (an e-mail or token name, any case) is this grader.
    pub fn is(&self, who: &str) -> bool {
        self.email == who.trim().to_lowercase()
    }
}

/// A grader known by e-mail alone (published as [`DEFAULT_GRADER_ROLE`]).
impl From<&str> for Grader {
    fn from(email: &str) -> Self {
        Grader {
            email: email.trim().to_lowercase(),
            name: None,
            role: None,
        }
    }
}

/// How credentials name the grader `who` of a lab record among `graders`:
/// the grader's public label, or [`DEFAULT_GRADER_ROLE`] for one no longer
/// registered (or none recorded). Never the e-mail.
pub fn public_label(graders: &[Grader], who: Option<&str>) -> String {
    who.and_then(|w| graders.iter().find(|g| g.is(w)))
        .map(Grader::public_label)
        .unwrap_or_else(|| DEFAULT_GRADER_ROLE.to_owned())
}

/// The two forms of an entry in `graders` (rosette.toml): `"e-mail"` or
/// `{ email = "…", name = "…", role = "…" }`.
#[derive(Deserialize)]
#[serde(untagged)]
enum GraderEntry {
    Email(String),
    Table(GraderTable),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GraderTable {
    email: String,
    name: Option<String>,
    role: Option<String>,
}

impl<'de> Deserialize<'de> for Grader {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let entry = GraderEntry::deserialize(d).map_err(|_| {
            serde::de::Error::custom(
                "a grader is an e-mail string or a table { email = \"…\", name = \"…\", role = \"…\" } (name and role optional)",
            )
        })?;
        match entry {
            GraderEntry::Email(e) => Grader::new(&e, None, None),
            GraderEntry::Table(t) => Grader::new(&t.email, t.name.as_deref(), t.role.as_deref()),
        }
        .map_err(serde::de::Error::custom)
    }
}

impl Grader {
    /// This grader as an entry of `graders` in rosette.toml.
    pub fn to_toml(&self) -> String {
        let quote = |s: &str| {
            // A TOML basic string (TOML 1.0 §String).
            let mut q = String::with_capacity(s.len() + 2);
            q.push('"');
            for c in s.chars() {
                match c {
                    '"' => q.push_str("\\\""),
                    '\\' => q.push_str("\\\\"),
                    c if c.is_control() => q.push_str(&format!("\\u{:04X}", u32::from(c))),
                    c => q.push(c),
                }
            }
            q.push('"');
            q
        };
        if self.name.is_none() && self.role.is_none() {
            return quote(&self.email);
        }
        let mut parts = vec![format!("email = {}", quote(&self.email))];
        if let Some(n) = &self.name {
            parts.push(format!("name = {}", quote(n)));
        }
        if let Some(r) = &self.role {
            parts.push(format!("role = {}", quote(r)));
        }
        format!("{{ {} }}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct File {
        graders: Vec<Grader>,
    }

    #[test]
    fn both_forms_parse_and_the_label_never_is_the_email() {
        let f: File = toml::from_str(
            r#"graders = ["Plain@X.io", { email = "Ana@x.io", name = "Ana Silva", role = "GitLab Professional Services engineer" }, { email = "bo@x.io", role = "Solutions architect" }, { email = "cy@x.io", name = "Cy" }]"#,
        )
        .unwrap();
        let labels: Vec<String> = f.graders.iter().map(Grader::public_label).collect();
        assert_eq!(
            labels,
            [
                DEFAULT_GRADER_ROLE,
                "Ana Silva, GitLab Professional Services engineer",
                "Solutions architect",
                "Cy"
            ]
        );
        assert_eq!(f.graders[0].email, "plain@x.io");
        assert_eq!(f.graders[1].email, "ana@x.io");
        assert_eq!(public_label(&f.graders, Some(" ANA@x.io")), labels[1]);
        assert_eq!(
            public_label(&f.graders, Some("gone@x.io")),
            DEFAULT_GRADER_ROLE
        );
        assert_eq!(public_label(&f.graders, None), DEFAULT_GRADER_ROLE);
        // What `rosette init` writes reads back the same.
        let text = format!(
            "graders = [{}]",
            f.graders
                .iter()
                .map(Grader::to_toml)
                .collect::<Vec<_>>()
                .join(", ")
        );
        assert_eq!(toml::from_str::<File>(&text).unwrap().graders, f.graders);
    }

    #[test]
    fn bad_entries_are_refused_with_the_reason() {
        for (text, expect) in [
            (
                r#"graders = [{ email = "a@x.io", name = "a@x.io" }]"#,
                "must not be an e-mail",
            ),
            (
                r#"graders = [{ email = "a@x.io", role = " " }]"#,
                "role is empty",
            ),
            (r#"graders = [{ email = " " }]"#, "email is empty"),
            (
                r#"graders = [{ email = "a@x.io", title = "x" }]"#,
                "a grader is an e-mail string or a table",
            ),
            (
                r#"graders = [{ name = "Ana" }]"#,
                "a grader is an e-mail string or a table",
            ),
            (
                r#"graders = [{ email = "a@x.io", name = "A\u0007" }]"#,
                "control character",
            ),
        ] {
            let e = toml::from_str::<File>(text).err().unwrap().to_string();
            assert!(e.contains(expect), "{text}: {e}");
        }
        let long = format!(
            r#"graders = [{{ email = "a@x.io", name = "{}" }}]"#,
            "n".repeat(121)
        );
        let e = toml::from_str::<File>(&long).err().unwrap().to_string();
        assert!(e.contains("longer than 120"), "{e}");
    }
}

//! Strict JSON parsing: an I-JSON text (RFC 7493) read into a
//! [`serde_json::Value`], refusing duplicate object member names at any
//! depth (RFC 7493 §2.3, RFC 8259 §4). `serde_json` on its own keeps the last
//! of two equal names, while other parsers keep the first: a forged `"name"`
//! before the signed one would be shown by one reader and verified by
//! another. Names are compared after unescaping, so `"n\u0061me"` repeats
//! `"name"`.
//!
//! The check costs one map lookup per member, the one the plain parser makes
//! anyway (the new member is inserted through the same entry).

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

/// Why a text was refused.
#[derive(Debug, thiserror::Error)]
pub enum StrictJsonError {
    /// An object names the same member twice (RFC 7493 §2.3).
    #[error(
        "duplicate object key \"{key}\" at {path} (RFC 7493 §2.3: member names must be unique)"
    )]
    DuplicateKey {
        /// The repeated name, unescaped.
        key: String,
        /// The RFC 9535 normalized path of the repeated member, e.g.
        /// `$['credentialSubject']['name']`.
        path: String,
    },
    /// Nested deeper than the parser's recursion limit.
    #[error("JSON nested too deeply: {0}")]
    TooDeep(serde_json::Error),
    /// Not JSON.
    #[error("not valid JSON: {0}")]
    Malformed(serde_json::Error),
}

impl StrictJsonError {
    /// The stable code: `json_duplicate_key`, `json_too_deep` or
    /// `json_malformed`.
    pub fn code(&self) -> &'static str {
        match self {
            StrictJsonError::DuplicateKey { .. } => "json_duplicate_key",
            StrictJsonError::TooDeep(_) => "json_too_deep",
            StrictJsonError::Malformed(_) => "json_malformed",
        }
    }

    /// The path of the repeated member, for a duplicate key.
    pub fn path(&self) -> Option<&str> {
        match self {
            StrictJsonError::DuplicateKey { path, .. } => Some(path),
            _ => None,
        }
    }
}

/// Parses `bytes` as one JSON value, refusing duplicate member names.
pub fn from_slice(bytes: &[u8]) -> Result<Value, StrictJsonError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    finish(&mut de)
}

/// Parses `text` as one JSON value, refusing duplicate member names.
pub fn from_str(text: &str) -> Result<Value, StrictJsonError> {
    let mut de = serde_json::Deserializer::from_str(text);
    finish(&mut de)
}

fn finish<'de, R: serde_json::de::Read<'de>>(
    de: &mut serde_json::Deserializer<R>,
) -> Result<Value, StrictJsonError> {
    let mut found = None;
    let parsed = StrictValue { found: &mut found }
        .deserialize(&mut *de)
        .and_then(|v| de.end().map(|()| v));
    match (parsed, found) {
        (Err(_), Some(dup)) => Err(dup.into_error()),
        (Ok(v), _) => Ok(v),
        (Err(e), None) if e.to_string().contains("recursion limit") => {
            Err(StrictJsonError::TooDeep(e))
        }
        (Err(e), None) => Err(StrictJsonError::Malformed(e)),
    }
}

/// A path step, recorded innermost first while the error unwinds.
enum Step {
    Key(String),
    Index(usize),
}

/// The duplicate found, and the steps from its object up to the root.
struct Duplicate {
    key: String,
    steps: Vec<Step>,
}

impl Duplicate {
    fn into_error(self) -> StrictJsonError {
        let mut path = String::from("$");
        for step in self.steps.iter().rev() {
            push_step(&mut path, step);
        }
        push_step(&mut path, &Step::Key(self.key.clone()));
        StrictJsonError::DuplicateKey {
            key: self.key,
            path,
        }
    }
}

/// Appends one RFC 9535 §2.7 normalized-path segment.
fn push_step(path: &mut String, step: &Step) {
    match step {
        Step::Index(i) => {
            path.push('[');
            path.push_str(&i.to_string());
            path.push(']');
        }
        Step::Key(k) => {
            path.push_str("['");
            for c in k.chars() {
                match c {
                    '\'' => path.push_str("\\'"),
                    '\\' => path.push_str("\\\\"),
                    '\u{8}' => path.push_str("\\b"),
                    '\u{c}' => path.push_str("\\f"),
                    '\n' => path.push_str("\\n"),
                    '\r' => path.push_str("\\r"),
                    '\t' => path.push_str("\\t"),
                    c if u32::from(c) < 0x20 => {
                        path.push_str(&format!("\\u{:04x}", u32::from(c)));
                    }
                    c => path.push(c),
                }
            }
            path.push_str("']");
        }
    }
}

/// Builds a [`Value`]; on a duplicate name, records it in `found` and fails.
struct StrictValue<'a> {
    found: &'a mut Option<Duplicate>,
}

impl<'de> DeserializeSeed<'de> for StrictValue<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        loop {
            match seq.next_element_seed(StrictValue {
                found: &mut *self.found,
            }) {
                Ok(Some(v)) => items.push(v),
                Ok(None) => return Ok(Value::Array(items)),
                Err(e) => {
                    if let Some(dup) = self.found.as_mut() {
                        dup.steps.push(Step::Index(items.len()));
                    }
                    return Err(e);
                }
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            match object.entry(key) {
                Entry::Vacant(slot) => {
                    let seed = StrictValue {
                        found: &mut *self.found,
                    };
                    match map.next_value_seed(seed) {
                        Ok(v) => {
                            slot.insert(v);
                        }
                        Err(e) => {
                            if let Some(dup) = self.found.as_mut() {
                                dup.steps.push(Step::Key(slot.key().clone()));
                            }
                            return Err(e);
                        }
                    }
                }
                Entry::Occupied(slot) => {
                    let key = slot.key().clone();
                    *self.found = Some(Duplicate {
                        key: key.clone(),
                        steps: Vec::new(),
                    });
                    return Err(serde::de::Error::custom(format_args!(
                        "duplicate object key \"{key}\""
                    )));
                }
            }
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dup(text: &str) -> (String, String) {
        match from_str(text) {
            Err(StrictJsonError::DuplicateKey { key, path }) => (key, path),
            other => panic!("expected a duplicate key in {text}, got {other:?}"),
        }
    }

    #[test]
    fn same_value_as_serde_json_without_duplicates() {
        let text = r#"{"a":[1,-2,3.5,1e400,true,null,"x\u00e9"],"b":{"c":{}},"d":[],"e":18446744073709551615}"#;
        let strict = from_str(text);
        assert!(strict.is_err(), "1e400 is out of range for serde_json too");
        let text =
            r#"{"a":[1,-2,3.5,true,null,"x\u00e9"],"b":{"c":{}},"d":[],"e":18446744073709551615}"#;
        let plain: Value = serde_json::from_str(text).unwrap();
        assert_eq!(from_str(text).unwrap(), plain);
        assert_eq!(from_slice(text.as_bytes()).unwrap(), plain);
    }

    #[test]
    fn duplicate_at_the_top() {
        assert_eq!(
            dup(r#"{"name":"Forged","type":"x","name":"Signed"}"#),
            ("name".into(), "$['name']".into())
        );
    }

    #[test]
    fn duplicate_deep_inside_arrays_and_objects() {
        let text =
            r#"{"a":1,"credentialSubject":{"id":"x","achievement":[{},{"name":"A","name":"B"}]}}"#;
        assert_eq!(
            dup(text),
            (
                "name".into(),
                "$['credentialSubject']['achievement'][1]['name']".into()
            )
        );
    }

    #[test]
    fn names_compared_after_unescaping() {
        assert_eq!(
            dup(r#"{"name":1,"n\u0061me":2}"#),
            ("name".into(), "$['name']".into())
        );
        assert_eq!(
            dup(r#"{"it's\\":1,"it\u0027s\\":2}"#),
            ("it's\\".into(), r"$['it\'s\\']".into())
        );
    }

    #[test]
    fn same_name_in_different_objects_is_fine() {
        let v = from_str(r#"{"name":"a","x":{"name":"b"},"y":[{"name":"c"}]}"#).unwrap();
        assert_eq!(v["y"][0]["name"], "c");
    }

    #[test]
    fn other_failures_keep_their_codes() {
        let e = from_str(r#"{"a":"#).unwrap_err();
        assert_eq!(e.code(), "json_malformed");
        let e = from_str(r#"{"a":1} trailing"#).unwrap_err();
        assert_eq!(e.code(), "json_malformed");
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let e = from_str(&deep).unwrap_err();
        assert_eq!(e.code(), "json_too_deep", "{e}");
        let e = from_str(r#"{"a":1,"a":2}"#).unwrap_err();
        assert_eq!(e.code(), "json_duplicate_key");
        assert_eq!(e.path(), Some("$['a']"));
        assert!(e.to_string().contains("\"a\" at $['a']"), "{e}");
    }
}

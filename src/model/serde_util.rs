//! Serde helpers shared by the typed model.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Deserializes either a single value or an array of values into a `Vec`.
///
/// JSON-LD compacts one-item sets to a bare value (OB 3.0 Serialization
/// appendix); we always *emit* arrays but accept both on input.
pub(crate) fn one_or_many<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany<T> {
        Many(Vec<T>),
        One(T),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::Many(v) => v,
        OneOrMany::One(v) => vec![v],
    })
}

/// Serializes a one-item `Vec` as the bare item and anything longer as an
/// array (used for `credentialStatus`, which OB's JSON Schema types as a
/// single object while VCDM 2.0 §4.10 allows a set).
pub(crate) fn one_or_array<S, T>(items: &[T], serializer: S) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    T: Serialize,
{
    match items {
        [one] => one.serialize(serializer),
        many => many.serialize(serializer),
    }
}

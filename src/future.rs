//! Small shared types for object-safe async traits.

/// A boxed, sendable future: what the methods of the crate's object-safe
/// async traits return ([`crate::keys::KeyResolver`],
/// [`crate::verification::StatusSource`], [`crate::store::Store`]).
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

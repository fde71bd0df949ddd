//! The keys a presentation's holder proves control with (VC Data Integrity
//! 1.0 §4.4 with proof purpose `authentication`; VCDM 2.0 §4.13): a
//! `did:key`'s one key (did:key Method v0.7, "Document Creation Algorithm":
//! it is listed under `authentication`), or a `did:web` method listed under
//! `authentication` in the DID document the wrapped resolver gives —
//! fetched within the server's fetch policy and cache (did:web Method
//! "Read (Resolve)"). Other methods cannot be checked here: "could not
//! check" ([`ResolveError::Unknown`]), as is a document that cannot be
//! fetched; only a document that was read and says otherwise is "invalid".

use crate::future::BoxFuture;
use crate::keys::{
    KeyResolver, ResolveError, VerificationMethod, authentication_method_from_controller_document,
};

/// A [`KeyResolver`] for presentation proofs, over a resolver that knows
/// `did:key`s and fetches `did:web` documents.
pub struct HolderKeys<'a> {
    inner: &'a dyn KeyResolver,
    fetch: bool,
}

impl<'a> HolderKeys<'a> {
    /// Holder keys through `inner`; `did:web` documents are asked for only
    /// when `fetch` is true (false when the presentation failed its
    /// structural checks: nothing is fetched for it).
    pub fn new(inner: &'a dyn KeyResolver, fetch: bool) -> Self {
        HolderKeys { inner, fetch }
    }
}

impl KeyResolver for HolderKeys<'_> {
    fn resolve<'b>(
        &'b self,
        vm_url: &'b str,
    ) -> BoxFuture<'b, Result<VerificationMethod, ResolveError>> {
        Box::pin(async move {
            if vm_url.starts_with("did:key:") {
                return self.inner.resolve(vm_url).await;
            }
            let did = vm_url
                .split_once('#')
                .map(|(did, _)| did)
                .filter(|did| did.starts_with("did:web:"));
            let Some(did) = did else {
                return Err(ResolveError::Unknown(format!(
                    "'{}' is neither a did:key nor a did:web method: a holder's key cannot be \
                     checked here",
                    crate::keys::truncate(vm_url)
                )));
            };
            if !self.fetch {
                return Err(ResolveError::Unknown(
                    "the presentation failed its structural checks; its holder's did:web \
                     document was not fetched"
                        .to_owned(),
                ));
            }
            let doc = self.inner.document(did).await?;
            authentication_method_from_controller_document(&doc, vm_url).map_err(|e| {
                if e.is_unsupported_key() {
                    ResolveError::Unknown(e.to_string())
                } else {
                    ResolveError::from(e)
                }
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{OfflineResolver, SigningKey, did_web_document, public_key_multibase};

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn did_key_and_did_web_authentication_methods_resolve_others_are_unknown() {
        let key = SigningKey::from_bytes(&[7; 32]).verifying_key();
        let mb = public_key_multibase(&key);
        let did = "did:web:holder.example";
        let vm = format!("{did}#{mb}");
        let mut local = OfflineResolver::new();
        local
            .add_controller_document(&did_web_document(did, &[key]))
            .unwrap();
        let keys = HolderKeys::new(&local, true);
        let m = block_on(keys.resolve(&vm)).unwrap();
        assert_eq!((m.controller.as_str(), m.public_key), (did, key));
        let did_key = format!("did:key:{mb}#{mb}");
        assert_eq!(block_on(keys.resolve(&did_key)).unwrap().public_key, key);

        // Listed under assertionMethod only: read, and not an authentication method.
        let mut doc = did_web_document("did:web:issuer.example", &[key]);
        doc.as_object_mut().unwrap().remove("authentication");
        let mut local = OfflineResolver::new();
        local.add_controller_document(&doc).unwrap();
        let e = block_on(
            HolderKeys::new(&local, true).resolve(&format!("did:web:issuer.example#{mb}")),
        )
        .unwrap_err();
        assert!(matches!(e, ResolveError::Invalid(_)), "{e:?}");
        assert!(
            e.to_string().contains("not listed under authentication"),
            "{e}"
        );

        // No document, an https key, or no fetching: could not check.
        let empty = OfflineResolver::new();
        for (url, fetch) in [
            (format!("did:web:nowhere.example#{mb}"), true),
            (format!("https://holder.example/keys#{mb}"), true),
            (vm.clone(), false),
        ] {
            let e = block_on(HolderKeys::new(&empty, fetch).resolve(&url)).unwrap_err();
            assert!(matches!(e, ResolveError::Unknown(_)), "{url}: {e:?}");
        }
    }
}

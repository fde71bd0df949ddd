//! Wallet claims: a one-time link an admin creates for an issued
//! certification, through which the holder's wallet obtains a copy bound
//! to the holder's DID (`credentialSubject.id`), over a VC-API exchange or
//! OpenID4VCI's pre-authorized code flow.
//!
//! Every rule of a claim lives here, for every entry point (admin API,
//! CLI, console, both wallet protocols): who may create one, how long it
//! lasts, that it is redeemed once, that only a currently valid
//! certification is copied, which holder DIDs are accepted, and the
//! single-use protocol values (VC-API challenges, OpenID4VCI access tokens
//! and nonces). Secrets — the link's, the transaction code, challenges,
//! tokens, nonces — are stored as SHA-256 only.
//!
//! The copy is a lineage entry of the certification in the manner of a
//! renewal (`renews` names the original): same holder, results and
//! `validUntil`, its own status entries, issued in the same transaction
//! that marks the claim redeemed and spends the protocol values, so a
//! claim yields at most one copy.

use super::tokens::token_hash;
use super::{Actor, IssuanceError, IssueOutcome, Issuer, Role, new_uuid, random_secret, stamp};
use crate::audit::AuditDraft;
use crate::store::{ClaimRecord, CredentialRecord, CredentialState, NonceKind, NonceRecord};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

/// How long a claim lasts unless the admin says otherwise.
pub const DEFAULT_CLAIM_TTL: Duration = Duration::days(14);
/// The longest a claim may last.
pub const MAX_CLAIM_TTL: Duration = Duration::days(90);
/// How long a VC-API challenge may be answered.
pub const CHALLENGE_TTL: Duration = Duration::minutes(10);
/// How long an OpenID4VCI access token lasts.
pub const ACCESS_TOKEN_TTL: Duration = Duration::minutes(10);
/// How long an OpenID4VCI `c_nonce` may be used.
pub const C_NONCE_TTL: Duration = Duration::minutes(5);
/// Wrong transaction codes after which a claim is locked.
pub const MAX_TX_CODE_ATTEMPTS: i64 = 5;
/// Digits of a transaction code.
pub const TX_CODE_DIGITS: usize = 6;
/// Longest holder DID accepted.
pub const MAX_DID_LEN: usize = 2048;

/// The issuance-key prefix of a wallet copy: `claim:<claim id>`.
const COPY_KEY_PREFIX: &str = "claim:";

/// How a claim was redeemed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// A W3C VC-API exchange (DIDAuthentication).
    VcApi,
    /// OpenID for Verifiable Credential Issuance, pre-authorized code flow.
    OpenId4Vci,
}

impl Protocol {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::VcApi => "vcapi",
            Protocol::OpenId4Vci => "oid4vci",
        }
    }
}

/// Why a claim step was refused. [`code`](ClaimError::code) is stable; the
/// message says what was wrong without revealing any secret.
#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    /// No claim has this secret.
    #[error("this claim link is not known; ask the issuer for a new one")]
    Unknown,
    /// The claim expired.
    #[error("this claim link expired on {0}; ask the issuer for a new one")]
    Expired(String),
    /// The claim was redeemed already.
    #[error("this claim link was already used on {0}; it works once")]
    Redeemed(String),
    /// Too many wrong transaction codes.
    #[error("too many wrong transaction codes; this claim is locked, ask the issuer for a new one")]
    Locked,
    /// The transaction code is wrong.
    #[error("the transaction code is wrong")]
    TxCodeWrong,
    /// A required transaction code is missing, or one was sent to a claim
    /// that has none (OpenID4VCI 1.0 §6.3: `invalid_request`).
    #[error("{0}")]
    TxCodeRequest(&'static str),
    /// The claim cannot be redeemed through this protocol (a claim with a
    /// transaction code is for OpenID4VCI only).
    #[error("{0}")]
    WrongProtocol(&'static str),
    /// The pre-authorized code was exchanged for a token already.
    #[error("this pre-authorized code was already exchanged for an access token")]
    CodeUsed,
    /// The certification cannot be copied now (revoked, suspended, expired, superseded).
    #[error("{0}")]
    NotValid(String),
    /// The challenge is unknown, used, expired or another claim's.
    #[error("{0}")]
    Challenge(&'static str),
    /// The access token is unknown, used or expired.
    #[error("the access token is unknown, expired or already used")]
    AccessToken,
    /// The nonce is unknown, used or expired.
    #[error("the nonce is unknown, expired or already used; get a fresh one")]
    Nonce,
    /// The holder DID is not one a copy can be bound to.
    #[error("{0}")]
    Holder(String),
    /// Issuing the copy, or the store, failed.
    #[error(transparent)]
    Issuance(#[from] IssuanceError),
}

impl From<crate::store::StoreError> for ClaimError {
    fn from(e: crate::store::StoreError) -> Self {
        ClaimError::Issuance(e.into())
    }
}

impl ClaimError {
    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            ClaimError::Unknown => "claim_unknown",
            ClaimError::Expired(_) => "claim_expired",
            ClaimError::Redeemed(_) => "claim_used",
            ClaimError::Locked => "claim_locked",
            ClaimError::TxCodeWrong => "tx_code_invalid",
            ClaimError::TxCodeRequest(_) => "tx_code_request",
            ClaimError::WrongProtocol(_) => "wrong_protocol",
            ClaimError::CodeUsed => "code_used",
            ClaimError::NotValid(_) => "credential_not_valid",
            ClaimError::Challenge(_) => "challenge_invalid",
            ClaimError::AccessToken => "access_token_invalid",
            ClaimError::Nonce => "nonce_invalid",
            ClaimError::Holder(_) => "holder_invalid",
            ClaimError::Issuance(e) => e.code(),
        }
    }

    /// Whether the server, not the wallet, failed (store, signing, random).
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            ClaimError::Issuance(
                IssuanceError::Store(_) | IssuanceError::Signing(_) | IssuanceError::Random(_)
            )
        )
    }
}

/// A new claim: its record, and the secrets shown once.
#[derive(Debug, Clone)]
pub struct NewClaim {
    /// The stored claim.
    pub claim: ClaimRecord,
    /// The secret of the claim link (also the OpenID4VCI pre-authorized code).
    pub secret: String,
    /// The transaction code the holder must type, when one was asked for.
    pub tx_code: Option<String>,
    /// The claim's addresses.
    pub links: ClaimLinks,
    /// The message for the holder (an e-mail's subject and body): the
    /// link, what the wallets do, the expiry; never the transaction code,
    /// which travels apart.
    pub notice: String,
}

/// Whether `rec` is a copy bound to a wallet (issued through a claim).
pub fn is_wallet_copy(rec: &CredentialRecord) -> bool {
    rec.issuance_key.starts_with(COPY_KEY_PREFIX)
}

/// A claim's state at `now` (RFC 3339 text): `redeemed`, `locked` (too
/// many wrong transaction codes), `expired` or `open`.
pub fn claim_state(c: &ClaimRecord, now: &str) -> &'static str {
    if c.redeemed_at.is_some() {
        "redeemed"
    } else if is_locked(c) {
        "locked"
    } else if c.expires_at.as_str() <= now {
        "expired"
    } else {
        "open"
    }
}

/// Whether a claim is locked: its transaction code was tried
/// [`MAX_TX_CODE_ATTEMPTS`] times without being exchanged.
fn is_locked(c: &ClaimRecord) -> bool {
    c.tx_code_hash.is_some()
        && c.code_used_at.is_none()
        && c.tx_code_attempts >= MAX_TX_CODE_ATTEMPTS
}

/// The stored hash of a claim's transaction code: salted with the link's
/// secret (never stored), so six digits cannot be read back from the table.
fn tx_code_hash(secret: &str, code: &str) -> String {
    token_hash(&format!("{secret}:{code}"))
}

/// The protocols a claim may be redeemed through: both, or OpenID4VCI
/// only when it carries a transaction code (VC-API has no place for one,
/// and the link alone must not be enough).
pub fn protocols_of(c: &ClaimRecord) -> &'static [Protocol] {
    if c.tx_code_hash.is_some() {
        &[Protocol::OpenId4Vci]
    } else {
        &[Protocol::VcApi, Protocol::OpenId4Vci]
    }
}

/// Parses a claim lifetime: `14d`, `36h`, `2w` or a number of days; at
/// least one hour, at most [`MAX_CLAIM_TTL`].
pub fn parse_ttl(text: &str) -> Result<Duration, IssuanceError> {
    let t = text.trim();
    let bad = || {
        super::invalid(
            "expires_in",
            format!("{t:?} is not a lifetime like 14d, 36h or 2w (at most 90 days)"),
        )
    };
    let (number, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&t[..i], &t[i..]),
        None => (t, "d"),
    };
    let n: i64 = number.parse().map_err(|_| bad())?;
    let ttl = match unit {
        "h" => Duration::hours(n),
        "d" => Duration::days(n),
        "w" => Duration::weeks(n),
        _ => return Err(bad()),
    };
    if ttl < Duration::hours(1) || ttl > MAX_CLAIM_TTL {
        return Err(bad());
    }
    Ok(ttl)
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.to_utc())
}

/// Checks a holder DID a copy is bound to: `did:key`, `did:web` or
/// `did:jwk` (DID Core §3.1 syntax: `did:` method-name `:` id, no
/// fragment, query or whitespace), at most [`MAX_DID_LEN`] characters.
pub fn check_holder_did(did: &str) -> Result<(), ClaimError> {
    let refuse = |why: &str| {
        Err(ClaimError::Holder(format!(
            "the holder {:?} {why}",
            crate::keys::truncate(did)
        )))
    };
    if did.len() > MAX_DID_LEN {
        return refuse("is too long");
    }
    let Some(rest) = did.strip_prefix("did:") else {
        return refuse("is not a DID");
    };
    let Some((method, id)) = rest.split_once(':') else {
        return refuse("is not a DID");
    };
    if !matches!(method, "key" | "web" | "jwk") {
        return refuse(
            "uses a DID method this issuer does not bind to (did:key, did:web, did:jwk)",
        );
    }
    let id_ok = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-_:%".contains(&b));
    if !id_ok {
        return refuse("is not a well-formed DID (no fragment, query or spaces)");
    }
    Ok(())
}

impl Issuer<'_> {
    /// Creates a one-time claim of credential `credential_id`, lasting
    /// `ttl`, with a transaction code when `tx_code` (OpenID4VCI). Only an
    /// admin may; only a certification valid now may be claimed (not a
    /// generic credential, not a wallet copy). Audited as `claim.create`
    /// (no secret in the entry).
    pub async fn create_claim(
        &self,
        credential_id: &str,
        ttl: Duration,
        tx_code: bool,
        actor: &Actor,
    ) -> Result<NewClaim, IssuanceError> {
        if actor.role != Role::Admin {
            return Err(IssuanceError::Forbidden(actor.name.clone()));
        }
        if ttl < Duration::hours(1) || ttl > MAX_CLAIM_TTL {
            return Err(super::invalid(
                "expires_in",
                "a claim lasts between one hour and 90 days",
            ));
        }
        let now = self.now();
        let original = self
            .claimable(credential_id, now)
            .await
            .map_err(|e| match e {
                ClaimError::Issuance(e) => e,
                other => super::invalid("credential", other.to_string()),
            })?;
        let secret = random_secret()?;
        let code = if tx_code { Some(numeric_code()?) } else { None };
        let claim = ClaimRecord {
            id: format!("claim_{}", new_uuid()?.simple()),
            credential_id: original.id.clone(),
            secret_hash: token_hash(&secret),
            tx_code_hash: code.as_deref().map(|c| tx_code_hash(&secret, c)),
            created_by: actor.name.clone(),
            created_at: stamp(now),
            expires_at: stamp(now + ttl),
            code_used_at: None,
            tx_code_attempts: 0,
            redeemed_at: None,
            redeemed_via: None,
            holder_did: None,
            issued_credential_id: None,
        };
        let mut tx = self.store.begin().await?;
        tx.insert_wallet_claim(&claim).await?;
        tx.append_audit(
            &[AuditDraft::new(
                &actor.name,
                "claim.create",
                &original.id,
                json!({ "claim": claim.id, "expires_at": claim.expires_at, "tx_code": code.is_some() }),
            )],
            &claim.created_at,
        )
        .await?;
        tx.commit().await?;
        let links = ClaimLinks::new(
            &self.public_url,
            &secret,
            &original.certification,
            code.is_some(),
        );
        let cert_name = self
            .catalog
            .find(&original.certification)
            .map(|c| c.name.clone())
            .unwrap_or_else(|_| original.certification.clone());
        let notice = holder_notice(&HolderNotice {
            holder: &original.holder_name,
            certification: &cert_name,
            issuer: &self.profile.name,
            claim_url: &links.claim_url,
            expires_at: &claim.expires_at,
            page_url: &self.verification_url(&original.id),
            tx_code: code.is_some(),
        });
        Ok(NewClaim {
            claim,
            secret,
            tx_code: code,
            links,
            notice,
        })
    }

    /// The credential a claim copies, when it may be copied at `now`: a
    /// certification (not generic, not itself a wallet copy), current, not
    /// revoked, not suspended, not expired.
    async fn claimable(
        &self,
        credential_id: &str,
        now: DateTime<Utc>,
    ) -> Result<CredentialRecord, ClaimError> {
        let rec = self
            .store
            .credential(credential_id)
            .await?
            .ok_or_else(|| IssuanceError::UnknownCredential(credential_id.to_owned()))?;
        let refuse = |why: &str| {
            Err(ClaimError::NotValid(format!(
                "credential {}: {why}",
                rec.id
            )))
        };
        if rec.candidate_id.is_none() {
            return refuse("only a certification can be claimed into a wallet");
        }
        if is_wallet_copy(&rec) {
            return refuse("this is already a wallet copy; claim the original");
        }
        if rec.state == CredentialState::Superseded {
            return refuse("it was superseded by a correction; claim the current credential");
        }
        let status = self.credential_status(&rec.id).await?;
        if status.revoked {
            return refuse("it is revoked");
        }
        if status.suspended {
            return refuse("it is suspended");
        }
        if rec
            .valid_until
            .as_deref()
            .and_then(parse_time)
            .is_some_and(|until| until <= now)
        {
            return refuse("it has expired");
        }
        Ok(rec)
    }

    /// The open claim whose link secret is `secret`: refused when unknown,
    /// expired, redeemed or locked.
    pub async fn open_claim(&self, secret: &str) -> Result<ClaimRecord, ClaimError> {
        let claim = self
            .store
            .wallet_claim(&token_hash(secret.trim()))
            .await?
            .ok_or(ClaimError::Unknown)?;
        self.check_open(&claim)?;
        Ok(claim)
    }

    fn check_open(&self, claim: &ClaimRecord) -> Result<(), ClaimError> {
        if let Some(at) = &claim.redeemed_at {
            return Err(ClaimError::Redeemed(at.clone()));
        }
        if parse_time(&claim.expires_at).is_none_or(|t| t <= self.now()) {
            return Err(ClaimError::Expired(claim.expires_at.clone()));
        }
        if is_locked(claim) {
            return Err(ClaimError::Locked);
        }
        Ok(())
    }

    /// The credential an open claim copies, when it may still be copied.
    pub async fn claimed_credential(
        &self,
        claim: &ClaimRecord,
    ) -> Result<CredentialRecord, ClaimError> {
        self.claimable(&claim.credential_id, self.now()).await
    }

    async fn new_value(
        &self,
        kind: NonceKind,
        claim_id: Option<&str>,
        ttl: Duration,
    ) -> Result<String, ClaimError> {
        let value = random_secret()?;
        let now = self.now();
        let record = NonceRecord {
            value_hash: token_hash(&value),
            kind: kind.as_str().to_owned(),
            claim_id: claim_id.map(str::to_owned),
            created_at: stamp(now),
            expires_at: stamp(now + ttl),
            used_at: None,
        };
        // Expired values are pruned as new ones are made.
        self.store.add_wallet_nonce(&record, &stamp(now)).await?;
        Ok(value)
    }

    /// A fresh VC-API `challenge` for an open claim (VC Data Integrity 1.0
    /// §2.1 `challenge`), valid for [`CHALLENGE_TTL`], single use.
    pub async fn claim_challenge(&self, claim: &ClaimRecord) -> Result<String, ClaimError> {
        self.check_open(claim)?;
        check_protocol(claim, Protocol::VcApi)?;
        self.new_value(NonceKind::Challenge, Some(&claim.id), CHALLENGE_TTL)
            .await
    }

    /// A fresh OpenID4VCI `c_nonce` (OpenID4VCI 1.0 §7), valid for
    /// [`C_NONCE_TTL`], single use.
    pub async fn new_c_nonce(&self) -> Result<String, ClaimError> {
        self.new_value(NonceKind::CNonce, None, C_NONCE_TTL).await
    }

    /// Checks that `challenge` was made for `claim`, is unused and unexpired
    /// (it is spent only when the copy is issued).
    pub async fn check_challenge(
        &self,
        claim: &ClaimRecord,
        challenge: &str,
    ) -> Result<(), ClaimError> {
        self.check_value(NonceKind::Challenge, challenge)
            .await
            .and_then(|r| match r.claim_id.as_deref() == Some(claim.id.as_str()) {
                true => Ok(()),
                false => Err(()),
            })
            .map_err(|()| {
                ClaimError::Challenge(
                    "the presentation's challenge is not one this exchange issued, or it expired \
                     or was used; ask the exchange for a new one",
                )
            })
    }

    /// Checks a `c_nonce` (unused, unexpired; spent when the copy is issued).
    pub async fn check_c_nonce(&self, nonce: &str) -> Result<(), ClaimError> {
        self.check_value(NonceKind::CNonce, nonce)
            .await
            .map(drop)
            .map_err(|()| ClaimError::Nonce)
    }

    /// The stored value `value` when it is of `kind`, unused and unexpired.
    async fn check_value(&self, kind: NonceKind, value: &str) -> Result<NonceRecord, ()> {
        let record = self
            .store
            .wallet_nonce(&token_hash(value))
            .await
            .ok()
            .flatten()
            .ok_or(())?;
        let now = self.now();
        let fresh = record.used_at.is_none()
            && parse_time(&record.expires_at).is_some_and(|t| t > now)
            && record.kind == kind.as_str();
        if fresh { Ok(record) } else { Err(()) }
    }

    /// OpenID4VCI token request (pre-authorized code grant, OpenID4VCI 1.0
    /// §6.1): the claim whose secret is `code`, open, its code not yet
    /// exchanged, and `tx_code` matching when the claim requires one (each
    /// wrong code counts; at [`MAX_TX_CODE_ATTEMPTS`] the claim locks).
    /// Returns an access token valid for [`ACCESS_TOKEN_TTL`].
    pub async fn claim_access_token(
        &self,
        code: &str,
        tx_code: Option<&str>,
    ) -> Result<(String, ClaimRecord), ClaimError> {
        let claim = self.open_claim(code).await?;
        if claim.code_used_at.is_some() {
            return Err(ClaimError::CodeUsed);
        }
        let given = tx_code.map(str::trim).filter(|c| !c.is_empty());
        match (&claim.tx_code_hash, given) {
            (None, None) => {}
            (None, Some(_)) => {
                return Err(ClaimError::TxCodeRequest(
                    "this offer has no transaction code; send none",
                ));
            }
            (Some(_), None) => {
                return Err(ClaimError::TxCodeRequest(
                    "this claim requires the transaction code the issuer gave the holder",
                ));
            }
            (Some(expected), Some(given)) => {
                // An attempt is reserved before the comparison: parallel
                // guesses cannot make more than the limit.
                if !self
                    .store
                    .reserve_tx_code_attempt(&claim.id, MAX_TX_CODE_ATTEMPTS)
                    .await?
                {
                    return Err(ClaimError::Locked);
                }
                if !constant_time_eq(&tx_code_hash(code.trim(), given), expected) {
                    return Err(ClaimError::TxCodeWrong);
                }
            }
        }
        self.claimed_credential(&claim).await?;
        let token = random_secret()?;
        let now = self.now();
        let at = stamp(now);
        let mut tx = self.store.begin().await?;
        if !tx.use_wallet_claim_code(&claim.id, &at).await? {
            return Err(ClaimError::CodeUsed);
        }
        tx.insert_wallet_nonce(&NonceRecord {
            value_hash: token_hash(&token),
            kind: NonceKind::AccessToken.as_str().to_owned(),
            claim_id: Some(claim.id.clone()),
            created_at: at.clone(),
            expires_at: stamp(now + ACCESS_TOKEN_TTL),
            used_at: None,
        })
        .await?;
        tx.commit().await?;
        Ok((token, claim))
    }

    /// The open claim an unexpired, unused OpenID4VCI access token was
    /// issued for.
    pub async fn claim_of_access_token(&self, token: &str) -> Result<ClaimRecord, ClaimError> {
        let record = self
            .check_value(NonceKind::AccessToken, token)
            .await
            .map_err(|()| ClaimError::AccessToken)?;
        let claim_id = record.claim_id.ok_or(ClaimError::AccessToken)?;
        let claim = self
            .store
            .wallet_claim_by_id(&claim_id)
            .await?
            .ok_or(ClaimError::AccessToken)?;
        self.check_open(&claim)?;
        Ok(claim)
    }

    /// Redeems `claim`: issues the copy bound to `holder_did` and marks the
    /// claim redeemed through `via`, spending the protocol values `spend`
    /// (a challenge; an access token and a nonce) — all in one
    /// transaction, so a replay, a second wallet or a reused value finds
    /// the claim used and gets nothing. Audited as `credential.claim`.
    pub async fn redeem_claim(
        &self,
        claim: &ClaimRecord,
        holder_did: &str,
        via: Protocol,
        spend: &[(NonceKind, &str)],
    ) -> Result<CredentialRecord, ClaimError> {
        check_holder_did(holder_did)?;
        self.check_open(claim)?;
        check_protocol(claim, via)?;
        let original = self.claimed_credential(claim).await?;
        let (cert, candidate, written, lab) = self.basis(&original).await?;
        let until = original
            .valid_until
            .as_deref()
            .map(crate::model::XsdDateTime::parse)
            .transpose()
            .map_err(IssuanceError::from)?;
        let now = self.now();
        let at = stamp(now);
        let key = format!("{COPY_KEY_PREFIX}{}", claim.id);
        let mut tx = self.store.begin().await?;
        for (kind, value) in spend {
            if !tx.use_wallet_nonce(&token_hash(value), *kind, &at).await? {
                return Err(match kind {
                    NonceKind::Challenge => ClaimError::Challenge(
                        "the presentation's challenge was used or expired meanwhile",
                    ),
                    NonceKind::AccessToken => ClaimError::AccessToken,
                    NonceKind::CNonce => ClaimError::Nonce,
                });
            }
        }
        // The original again, under the write lock: a revocation or
        // correction that committed since the check above wins.
        let still = tx.credential(&original.id).await?;
        let status = super::revocation::CredentialStatus::from_entries(
            &tx.status_entries(&original.id).await?,
        );
        if still.is_none_or(|r| r.state == CredentialState::Superseded)
            || status.revoked
            || status.suspended
        {
            return Err(ClaimError::NotValid(format!(
                "credential {}: its status changed while the wallet claimed it",
                original.id
            )));
        }
        let outcome = self
            .create_in(
                &mut *tx,
                &key,
                None,
                None,
                now,
                |slots| {
                    let mut record = self.build(
                        cert,
                        &candidate,
                        &original.holder_name,
                        &written,
                        &lab,
                        now,
                        original.attempt,
                        key.clone(),
                        None,
                        Some(until),
                        slots,
                        Some(holder_did),
                    )?;
                    record.renews = Some(original.id.clone());
                    Ok(record)
                },
                |record| {
                    AuditDraft::new(
                        format!("wallet:{}", claim.id),
                        "credential.claim",
                        &record.id,
                        json!({
                            "claim": claim.id,
                            "copies": original.id,
                            "holder": holder_did,
                            "via": via.as_str(),
                        }),
                    )
                },
            )
            .await?;
        let IssueOutcome::Issued(copy) = outcome else {
            return Err(ClaimError::Redeemed(at));
        };
        if !tx
            .redeem_wallet_claim(&claim.id, &at, via.as_str(), holder_did, &copy.id)
            .await?
        {
            return Err(ClaimError::Redeemed(at));
        }
        tx.commit().await?;
        Ok(copy)
    }
}

/// The addresses of a claim, under the issuer's public URL: what the
/// admin hands the holder and what the wallets are sent to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ClaimLinks {
    /// The claim link for the holder: a page in a browser, the VC-API
    /// interaction (`iuv=1`) answer to `Accept: application/json`.
    pub claim_url: String,
    /// The VC-API exchange a wallet posts to.
    pub exchange_url: String,
    /// The OpenID4VCI credential offer (`openid-credential-offer://…`,
    /// pre-authorized code grant).
    pub credential_offer_uri: String,
}

impl ClaimLinks {
    /// The links of the claim with link secret `secret` for certification
    /// `configuration` (its OpenID4VCI credential configuration id),
    /// announcing a transaction code when `tx_code`.
    pub fn new(public_url: &str, secret: &str, configuration: &str, tx_code: bool) -> ClaimLinks {
        let base = public_url.trim_end_matches('/');
        ClaimLinks {
            claim_url: format!("{base}/claim/{secret}?iuv=1"),
            exchange_url: format!("{base}/exchanges/{secret}"),
            credential_offer_uri: credential_offer_uri(base, secret, configuration, tx_code),
        }
    }
}

/// What the holder's message says.
pub struct HolderNotice<'a> {
    /// The holder's name.
    pub holder: &'a str,
    /// The certification's name.
    pub certification: &'a str,
    /// The issuer's name.
    pub issuer: &'a str,
    /// The claim link.
    pub claim_url: &'a str,
    /// When it expires (RFC 3339).
    pub expires_at: &'a str,
    /// The credential's public page.
    pub page_url: &'a str,
    /// Whether a transaction code is sent apart.
    pub tx_code: bool,
}

/// The message an admin sends the holder with a claim (plain text, a
/// `Subject:` line first): both wallet protocols behind one link.
pub fn holder_notice(n: &HolderNotice<'_>) -> String {
    let until = DateTime::parse_from_rfc3339(n.expires_at)
        .map(|t| t.to_utc().format("%-d %b %Y at %H:%M UTC").to_string())
        .unwrap_or_else(|_| n.expires_at.to_owned());
    let wallets = if n.tx_code {
        "It works with OpenID wallets (OpenID for Verifiable Credential Issuance). Your wallet \
         will ask for a six-digit transaction code: we send it to you separately."
    } else {
        "It works with the Learner Credential Wallet and other VC-API wallets, and with OpenID \
         wallets (OpenID for Verifiable Credential Issuance)."
    };
    format!(
        "Subject: Add your {cert} certification to your digital wallet\n\n\
         Hello {holder},\n\n\
         You can now keep your {cert} certification in a digital wallet, and prove that it is \
         yours whenever you show it.\n\n\
         Open this link on your phone, or scan its QR code from a computer. It works once, until \
         {until}; do not forward it:\n{url}\n\n\
         {wallets}\n\n\
         Your certification's public page stays at {page}\n\n\
         {issuer}\n",
        cert = n.certification,
        holder = n.holder,
        url = n.claim_url,
        page = n.page_url,
        issuer = n.issuer,
    )
}

/// The credential offer of OpenID4VCI 1.0 §4.1 (by value): the issuer,
/// the one configuration, and the pre-authorized code grant with its
/// transaction-code description when one is required.
pub fn credential_offer(
    public_url: &str,
    code: &str,
    configuration: &str,
    tx_code: bool,
) -> serde_json::Value {
    let mut grant = json!({ "pre-authorized_code": code });
    if tx_code {
        grant["tx_code"] = json!({
            "input_mode": "numeric",
            "length": TX_CODE_DIGITS,
            "description": "The code your certification issuer gave you with this link",
        });
    }
    json!({
        "credential_issuer": public_url.trim_end_matches('/'),
        "credential_configuration_ids": [configuration],
        "grants": { "urn:ietf:params:oauth:grant-type:pre-authorized_code": grant },
    })
}

fn credential_offer_uri(base: &str, secret: &str, configuration: &str, tx_code: bool) -> String {
    let offer = credential_offer(base, secret, configuration, tx_code).to_string();
    let encoded: String =
        serde_urlencoded::to_string([("credential_offer", offer.as_str())]).unwrap_or_default();
    format!("openid-credential-offer://?{encoded}")
}

fn check_protocol(claim: &ClaimRecord, via: Protocol) -> Result<(), ClaimError> {
    if protocols_of(claim).contains(&via) {
        Ok(())
    } else {
        Err(ClaimError::WrongProtocol(
            "this claim needs the transaction code the issuer gave the holder, which only an \
             OpenID wallet asks for; open the link in an OpenID wallet",
        ))
    }
}

/// A numeric transaction code of [`TX_CODE_DIGITS`] digits (OpenID4VCI 1.0
/// §4.1.1 `tx_code` with `input_mode` `numeric`), uniform by rejection.
fn numeric_code() -> Result<String, IssuanceError> {
    let mut code = String::with_capacity(TX_CODE_DIGITS);
    while code.len() < TX_CODE_DIGITS {
        for b in super::os_random::<16>()? {
            // 250 = 25 × 10: reject 250–255 so every digit is equally likely.
            if b < 250 && code.len() < TX_CODE_DIGITS {
                code.push(char::from(b'0' + b % 10));
            }
        }
    }
    Ok(code)
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_hang_off_the_public_url_and_the_offer_carries_the_code() {
        let links = ClaimLinks::new("https://certs.example.com/", "s3cr3t", "gitlab-ci-cd", true);
        assert_eq!(
            links.claim_url,
            "https://certs.example.com/claim/s3cr3t?iuv=1"
        );
        assert_eq!(
            links.exchange_url,
            "https://certs.example.com/exchanges/s3cr3t"
        );
        let query = links
            .credential_offer_uri
            .strip_prefix("openid-credential-offer://?")
            .unwrap();
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
        assert_eq!(pairs[0].0, "credential_offer");
        let offer: serde_json::Value = serde_json::from_str(&pairs[0].1).unwrap();
        assert_eq!(offer["credential_issuer"], "https://certs.example.com");
        assert_eq!(
            offer["credential_configuration_ids"],
            json!(["gitlab-ci-cd"])
        );
        let grant = &offer["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"];
        assert_eq!(grant["pre-authorized_code"], "s3cr3t");
        assert_eq!(grant["tx_code"]["length"], TX_CODE_DIGITS);
        let plain = credential_offer("https://certs.example.com", "c", "x", false);
        assert!(
            plain["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
                .get("tx_code")
                .is_none()
        );
    }

    #[test]
    fn lifetimes_parse_in_hours_days_and_weeks_within_limits() {
        assert_eq!(parse_ttl("14d").unwrap(), Duration::days(14));
        assert_eq!(parse_ttl("36h").unwrap(), Duration::hours(36));
        assert_eq!(parse_ttl("2w").unwrap(), Duration::weeks(2));
        assert_eq!(parse_ttl("7").unwrap(), Duration::days(7));
        for bad in ["", "0h", "91d", "14x", "d", "-1d", "1.5d"] {
            assert!(parse_ttl(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn holder_dids_are_checked_for_method_and_syntax() {
        for ok in [
            "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            "did:web:wallet.example.com:users:ada",
            "did:jwk:eyJrdHkiOiJPS1AifQ",
        ] {
            assert!(check_holder_did(ok).is_ok(), "{ok}");
        }
        for bad in [
            "https://example.com",
            "did:example:123",
            "did:key:",
            "did:key:z6Mk#key-1",
            "did:web:a b",
            "did:key:z6Mk?x=1",
        ] {
            let e = check_holder_did(bad).unwrap_err();
            assert_eq!(e.code(), "holder_invalid", "{bad}");
        }
        assert!(check_holder_did(&format!("did:key:z{}", "a".repeat(MAX_DID_LEN))).is_err());
    }

    #[test]
    fn transaction_codes_are_six_digits_and_vary() {
        let codes: std::collections::BTreeSet<String> =
            (0..50).map(|_| numeric_code().unwrap()).collect();
        assert!(codes.len() > 40, "{codes:?}");
        assert!(
            codes
                .iter()
                .all(|c| c.len() == TX_CODE_DIGITS && c.bytes().all(|b| b.is_ascii_digit()))
        );
    }
}

//! W3C VC-API routes: `POST /credentials/verify` ("Verify Credential",
//! public), `POST /credentials/issue`
//! ("Issue Credential", `admin` or `issuer` token, no CORS) and `POST /presentations/verify`
//! ("Verify Presentation", public).

use super::auth::{IssuerCaller, signing_issuer_of};
use super::dto::{VcProblem, VcVerifyResult};
use super::error::{ApiError, ErrorCode, vc_json_body, vc_problem as problem};
use super::state::AppState;
use super::state::{Pieces, count};
use crate::issuance::IssuanceError;
use crate::issuance::generic::GenericOptions;
use crate::model;
use crate::proof;
use crate::verification::{self, CheckState, Report};
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value, json};
use utoipa::ToSchema;

/// VC-API "Issue Credential" request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IssueRequest {
    /// The unsigned credential: any VCDM 2.0 credential (or VCDM 1.1
    /// input) issued by this issuer, or an Open Badges 3.0 credential for
    /// one of this issuer's certifications (see the route description).
    #[schema(value_type = Object)]
    pub credential: Value,
    /// Issuance options; unknown keys are accepted and ignored.
    #[schema(value_type = Option<Object>)]
    pub options: Option<Value>,
}

/// VC-API "Issue Credential" answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IssueResponse {
    /// The signed credential, with its status entries and proof.
    #[schema(value_type = Object)]
    pub verifiable_credential: Value,
}

fn bad_request(detail: &str) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest, detail)
}

/// `POST /credentials/issue` (W3C VC-API "Issue Credential", VC-API
/// §3.2.1): body `{"credential": {…}, "options": {…}}`, unknown option keys
/// ignored; an `admin` or `issuer` token is required. 201 with
/// `{"verifiableCredential": …}`.
///
/// [`crate::issuance::Issuer::issue_over_vc_api`] decides the path: a
/// credential naming one of the catalog's certifications (a subject's
/// `achievement.id`, or a look-alike: see
/// [`crate::issuance::Issuer::names_certification`]) is a certification, issued for an `admin` token as
/// [`crate::issuance::Issuer::issue_submitted`] describes and refused with
/// 403 `certification_gated` for an `issuer` token; any other credential
/// is signed as given by [`crate::issuance::Issuer::issue_generic`], with
/// `options.cryptosuite` and the status entries `options.statusPurpose` /
/// `options.credentialStatus` (or the configuration) ask for. 400 for a
/// malformed request or option, 422 for a credential that breaks an input
/// rule (the problem's `field` names it), 409 when the id was issued before.
#[utoipa::path(
    post,
    path = "/credentials/issue",
    tag = "vc-api",
    summary = "VC-API: issue a credential",
    description = "W3C VC-API \"Issue Credential\" (`admin` or `issuer` token). Two paths, chosen by the credential:\n\n\
**Certifications** — a credential whose `credentialSubject.achievement.id` (in any subject) is one of this issuer's \
certifications, or that passes itself off as one (an achievement named like a certification, or an id under this \
issuer's `/certifications/` path). Only an `admin` token may issue one (an `issuer` token gets 403 `certification_gated`: certifications \
are issued only after both assessment stages). It must be an unsigned Open Badges 3.0 credential (VC 2.0 contexts): \
`credentialSubject.name` is the holder's name, and `credentialSubject.identifier` holds the holder's e-mail as \
`{\"type\": \"IdentityObject\", \"identityType\": \"emailAddress\", \"hashed\": false, \"identityHash\": \"…\"}` — \
a registered candidate who passed the written and lab stages of an attempt not issued before. `issuer` may \
be absent or this issuer; `proof` and `credentialStatus` must be absent. The server assigns `id` when absent, \
writes its issuer profile and the catalog's achievement, replaces the e-mail by a salted hash, defaults \
`validFrom` to now and `validUntil` to the catalog's validity, adds the revocation and suspension status \
entries and the proof, and stores the credential (public page `/v/{uuid}`, revocable). An attempt \
issued before is a 409: `conflict`, or `revoked` when that credential is revoked.\n\n\
**Any other credential** (`admin` or `issuer` token) — a VCDM 2.0 credential, or VCDM 1.1 input, whose `issuer` is \
this issuer; it is signed as given (`@context`, `issuer`, `credentialSubject` unchanged; `id` assigned as \
`urn:uuid:…` when absent; the Data Integrity v2 context appended to VCDM 1.1 contexts that do not define \
`DataIntegrityProof`). `options.cryptosuite` (`eddsa-rdfc-2022` or `eddsa-jcs-2022`) chooses the proof; \
`options.statusPurpose` (`revocation`, `suspension` or an array) and `options.credentialStatus` \
(`{\"type\": \"BitstringStatusListEntry\", \"statusPurpose\": …}`, one or an array) ask for status entries, \
appended to any `credentialStatus` given; with neither, the configured `generic_status_purposes` apply. Other \
options are ignored. The credential is stored (listable, revocable and suspendable through the admin API) and \
audited as `credential.issue_generic`.",
    request_body(content = IssueRequest, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Issued; `Location` is the credential's URL.", body = IssueResponse),
        (status = 400, description = "The body is not JSON, `credential` or `options` is not an object, or an option has a value Rosette cannot honour (`field` names it, e.g. `options.cryptosuite`).",
            body = super::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "`certification_gated`: an `issuer` token sent a certification; `insufficient_scope`: a token of another scope.",
            body = super::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "`conflict`: the id is taken, or the attempt was issued before; `revoked`: the attempt was issued before and that credential is revoked.",
            body = super::error::Problem, content_type = "application/problem+json"),
        (status = 413, response = crate::web::error::BodyTooLarge),
        (status = 422, description = "The credential cannot be issued: an input rule is broken (`invalid_credential`, `field` names it), or for a certification the issuer, achievement, holder, fields or stages.",
            body = super::error::Problem, content_type = "application/problem+json"),
        crate::web::error::AdminScope,
    )
)]
pub async fn issue(
    State(state): State<AppState>,
    IssuerCaller(caller): IssuerCaller,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let issuer = signing_issuer_of(&state)?;
    let bytes = body.map_err(|e| ApiError::from_body(&e))?;
    let request: Value = super::error::strict_json_body(&bytes)?;
    let Some(credential) = request.get("credential").filter(|c| c.is_object()) else {
        return Err(bad_request("credential (an object) is required"));
    };
    if request.get("options").is_some_and(|o| !o.is_object()) {
        return Err(bad_request("options must be an object"));
    }
    let options =
        GenericOptions::from_request(request.get("options"), &state.generic_status_purposes)
            .map_err(|p| bad_request(&p.to_string()).field(p.field))?;
    let record = issuer
        .issue_over_vc_api(credential, &options, &caller.actor)
        .await
        .map_err(|e| match e {
            // The client's data could not be canonicalized or signed.
            IssuanceError::Signing(p) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::InvalidCredential,
                format!("the credential cannot be signed: {p}"),
            ),
            other => ApiError::from(other),
        })?;
    state.metrics.observe_issued(1);
    let signed: Value = serde_json::from_str(&record.document)
        .map_err(|e| ApiError::internal("the issued credential could not be read", &e))?;
    let text = serde_json::to_string(&IssueResponse {
        verifiable_credential: signed,
    })
    .map_err(|e| ApiError::internal("the answer could not be serialized", &e))?;
    let mut response = (
        StatusCode::CREATED,
        [(header::CONTENT_TYPE, "application/json")],
        text,
    )
        .into_response();
    let location = format!(
        "/credentials/{}",
        crate::issuance::badge_data::public_id(&record.id)
    );
    if let Ok(v) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

/// VC-API "Verify Presentation" request.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PresentationVerifyRequest {
    /// The presentation (VC 2.0 or VC 1.1), with or without a proof.
    #[schema(value_type = Object)]
    pub verifiable_presentation: Value,
    /// `challenge` and `domain` the presentation's proof must carry (VC
    /// Data Integrity 1.0 §4.4); other keys are accepted and ignored.
    #[schema(value_type = Option<Object>)]
    pub options: Option<Value>,
}

/// A problem found while verifying a presentation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PresentationProblem {
    /// A VC Data Model or Data Integrity error type URL.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// What went wrong.
    pub title: String,
    /// Rosette's stable machine code.
    pub code: String,
    /// The check that failed.
    pub check: String,
    /// Which embedded credential, for a credential's problem.
    #[serde(rename = "credentialIndex", skip_serializing_if = "Option::is_none")]
    pub credential_index: Option<usize>,
}

/// VC-API "Verify Presentation" answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PresentationVerifyResult {
    /// The presentation (its proof, challenge and domain) and every
    /// embedded credential verified.
    pub verified: bool,
    /// The checks that passed: the presentation's, then `credential[i]`.
    pub checks: Vec<String>,
    /// Warnings, e.g. a presentation without a proof.
    pub warnings: Vec<PresentationProblem>,
    /// Every problem, the presentation's and the credentials'.
    pub errors: Vec<PresentationProblem>,
    /// The presentation's own result.
    #[schema(value_type = Object)]
    pub presentation_result: Value,
    /// One result per embedded credential, in order, each as
    /// `POST /credentials/verify` answers.
    pub credential_results: Vec<VcVerifyResult>,
}

use super::error::VCDM_ERRORS as VCDM;
const SECURITY: &str = "https://w3id.org/security#";

/// The presentation's checks: passed ones and problems.
#[derive(Default)]
struct Findings {
    checks: Vec<String>,
    warnings: Vec<PresentationProblem>,
    errors: Vec<PresentationProblem>,
}

impl Findings {
    fn error(&mut self, kind: &str, check: &str, code: &str, title: impl Into<String>) {
        self.errors.push(PresentationProblem {
            problem_type: kind.to_owned(),
            title: title.into(),
            code: code.to_owned(),
            check: check.to_owned(),
            credential_index: None,
        });
    }
}

/// What the options ask of the presentation's proof.
pub(crate) struct Expected {
    /// The `challenge` the proof must carry.
    pub challenge: Option<String>,
    /// The `domain` the proof must carry.
    pub domain: Option<String>,
}

fn expected(options: Option<&Value>) -> Result<Expected, &'static str> {
    let get = |key: &str| -> Result<Option<String>, &'static str> {
        match options.and_then(|o| o.get(key)) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err("options.challenge and options.domain must be strings"),
        }
    };
    Ok(Expected {
        challenge: get("challenge")?,
        domain: get("domain")?,
    })
}

/// The presentation's structure (VCDM 2.0 §4.13, VCDM 1.1 §4.10): a VC
/// base context first, type `VerifiablePresentation`, a `holder` URL or
/// object with one, `verifiableCredential` objects. Returns the holder.
fn structure(vp: &Map<String, Value>, f: &mut Findings) -> Option<String> {
    let malformed = format!("{VCDM}MALFORMED_VALUE_ERROR");
    let first_context = match vp.get("@context") {
        Some(Value::Array(items)) => items.first().and_then(Value::as_str),
        Some(Value::String(s)) => Some(s.as_str()),
        _ => None,
    };
    if !matches!(
        first_context,
        Some(model::VC_V2_CONTEXT | model::VC_V1_CONTEXT)
    ) {
        f.error(
            &malformed,
            "structure",
            "context_base_missing",
            format!(
                "@context[0] must be {} (or {} for VC 1.1)",
                model::VC_V2_CONTEXT,
                model::VC_V1_CONTEXT
            ),
        );
    }
    let typed = match vp.get("type") {
        Some(Value::String(t)) => t == "VerifiablePresentation",
        Some(Value::Array(a)) => a.iter().any(|t| t == "VerifiablePresentation"),
        _ => false,
    };
    if !typed {
        f.error(
            &malformed,
            "structure",
            "type_missing",
            "type must include VerifiablePresentation",
        );
    }
    let holder = match vp.get("holder") {
        None => None,
        Some(Value::String(h)) => Some(h.clone()),
        Some(Value::Object(o)) => match o.get("id") {
            Some(Value::String(h)) => Some(h.clone()),
            _ => {
                f.error(
                    &malformed,
                    "structure",
                    "holder_invalid",
                    "holder.id must be a URL string",
                );
                None
            }
        },
        Some(_) => {
            f.error(
                &malformed,
                "structure",
                "holder_invalid",
                "holder must be a URL string or an object with an id",
            );
            None
        }
    };
    if f.errors.is_empty() {
        f.checks.push("structure".into());
    }
    holder
}

/// The proof checks (VC Data Integrity 1.0 §4.4 with purpose
/// `authentication`): each proof verifies with an authentication method
/// `resolver` gives (a did:key, or a did:web holder's), its key is
/// controlled by the holder, and it carries the expected challenge and
/// domain. A key that could not be obtained is reported as such
/// (`PROOF_VERIFICATION_ERROR` with the resolver's code), not as a bad
/// signature.
async fn proof_checks(
    vp: &Value,
    holder: Option<&str>,
    expected: &Expected,
    resolver: &dyn crate::keys::KeyResolver,
    now: chrono::DateTime<chrono::Utc>,
    f: &mut Findings,
) {
    let crypto = format!("{VCDM}CRYPTOGRAPHIC_SECURITY_ERROR");
    if vp.get("proof").is_none() {
        if expected.challenge.is_some() || expected.domain.is_some() {
            f.error(
                &format!("{SECURITY}INVALID_CHALLENGE_ERROR"),
                "proof",
                "presentation_unsigned",
                "a challenge or domain was requested, but the presentation has no proof",
            );
        } else {
            f.warnings.push(PresentationProblem {
                problem_type: format!("{SECURITY}PROOF_VERIFICATION_ERROR"),
                title: "the presentation has no proof: only its credentials were verified".into(),
                code: "presentation_unsigned".into(),
                check: "proof".into(),
                credential_index: None,
            });
        }
        return;
    }
    let outcomes = match proof::verify_proofs(vp, "authentication", resolver, now).await {
        Ok(o) => o,
        Err(e) => {
            f.error(&crypto, "proof", e.code(), e.to_string());
            return;
        }
    };
    let proofs = proof::proofs_of(vp).unwrap_or_default();
    let before = f.errors.len();
    for (outcome, p) in outcomes.iter().zip(&proofs) {
        let label = format!("proof {}", outcome.index);
        match (&outcome.result, &outcome.method) {
            (Ok(()), Some(m)) if holder.is_some_and(|h| h != m.controller) => f.error(
                &crypto,
                "proof",
                "proof_controller_mismatch",
                format!(
                    "{label}: key controller {} is not the holder {}",
                    m.controller,
                    holder.unwrap_or_default()
                ),
            ),
            // The key could not be obtained: "could not check", not "invalid".
            (Err(e), _) if e.is_unknown() => f.error(
                &format!("{SECURITY}PROOF_VERIFICATION_ERROR"),
                "proof",
                e.code(),
                format!("{label} could not be checked: {e}"),
            ),
            (Err(e), _) => f.error(&crypto, "proof", e.code(), format!("{label}: {e}")),
            // `resolver` gives authentication methods only (did:key, or a
            // did:web document's `authentication`: [`verification::HolderKeys`]).
            (Ok(()), _) => {}
        }
        if let Some(challenge) = &expected.challenge
            && p.get("challenge").and_then(Value::as_str) != Some(challenge.as_str())
        {
            f.error(
                &format!("{SECURITY}INVALID_CHALLENGE_ERROR"),
                "challenge",
                "challenge_mismatch",
                format!("{label} does not carry the expected challenge"),
            );
        }
        if let Some(domain) = &expected.domain {
            let found = match p.get("domain") {
                Some(Value::String(d)) => d == domain,
                Some(Value::Array(a)) => a.iter().any(|d| d.as_str() == Some(domain.as_str())),
                _ => false,
            };
            if !found {
                f.error(
                    &format!("{SECURITY}INVALID_DOMAIN_ERROR"),
                    "domain",
                    "domain_mismatch",
                    format!("{label} does not carry the expected domain"),
                );
            }
        }
    }
    if f.errors.len() == before {
        f.checks.push("proof".into());
        if expected.challenge.is_some() {
            f.checks.push("challenge".into());
        }
        if expected.domain.is_some() {
            f.checks.push("domain".into());
        }
    }
}

/// `POST /presentations/verify` (W3C VC-API "Verify Presentation"): body
/// `{"verifiablePresentation": {…}, "options": {…}}`. The presentation's
/// proof, when it has one, is verified for purpose `authentication` with
/// the `challenge` and `domain` of the options (VC Data Integrity 1.0
/// §4.4); every embedded credential goes through the pipeline of
/// `POST /credentials/verify`. VC 2.0 and VC 1.1 presentations are
/// accepted. 200 when verified, 422 with the problems, 400 when the body is
/// not a verification request.
#[utoipa::path(
    post,
    path = "/presentations/verify",
    tag = "vc-api",
    summary = "VC-API: verify a presentation",
    description = "W3C VC-API \"Verify Presentation\". The body is `{\"verifiablePresentation\": {…}, \
\"options\": {\"challenge\": …, \"domain\": …}}`; other option keys are accepted. A presentation proof is \
verified for purpose `authentication`, its key must be controlled by the `holder` (when named), and it must \
carry the requested challenge and domain; a presentation without a proof is accepted (with a warning) unless \
a challenge or domain was requested. Every embedded credential (VC 2.0 or VC 1.1) is verified as by \
`POST /credentials/verify`. 200 when everything verified, 422 with the problems otherwise.",
    request_body(content = PresentationVerifyRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Verified.", body = PresentationVerifyResult),
        (status = 400, description = "The body is not JSON, `verifiablePresentation` is missing or not an object, or the options are malformed.",
            body = super::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is too large (plain text), or more than `max_batch` credentials (problem).",
            body = super::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not verified: `errors` lists the problems.", body = PresentationVerifyResult),
        (status = 429, response = crate::web::error::RateLimited),
    )
)]
pub async fn verify_presentation(
    State(state): State<AppState>,
    request: super::outbound::RequestInfo,
    body: Bytes,
) -> Response {
    let value = match vc_json_body(&body) {
        Ok(v) => v,
        Err(answer) => return answer.into_response(),
    };
    let Some(vp) = value
        .get("verifiablePresentation")
        .and_then(Value::as_object)
    else {
        return problem(
            StatusCode::BAD_REQUEST,
            "MALFORMED_VALUE_ERROR",
            "verifiablePresentation (an object) is required",
        );
    };
    let options = value.get("options");
    if options.is_some_and(|o| !o.is_object()) {
        return problem(
            StatusCode::BAD_REQUEST,
            "MALFORMED_VALUE_ERROR",
            "options must be an object",
        );
    }
    let expected = match expected(options) {
        Ok(e) => e,
        Err(msg) => {
            return problem(StatusCode::BAD_REQUEST, "MALFORMED_VALUE_ERROR", msg);
        }
    };
    let vp_value = &value["verifiablePresentation"];
    if embedded_credentials(vp).len() > state.max_batch {
        return problem(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RANGE_ERROR",
            &format!("at most {} credentials per presentation", state.max_batch),
        );
    }
    let pieces = Pieces::new(&state, request);
    let own = pieces.own_lists(&state);
    let cx = pieces.context(own.as_ref());
    let answer = check_presentation(&state, cx, vp_value, &expected).await;
    let status = if answer.verified {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let body = serde_json::to_string(&answer).unwrap_or_else(|_| "{}".into());
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The credentials a presentation embeds (`verifiableCredential`: one or a list).
fn embedded_credentials(vp: &Map<String, Value>) -> Vec<&Value> {
    match vp.get("verifiableCredential") {
        None => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
    }
}

/// Verifies a presentation object `vp_value` as `POST /presentations/verify`
/// does: structure, the proof (purpose `authentication`, the holder's key,
/// `expected` challenge and domain), then each embedded credential. The one
/// presentation verifier of this server: the route and the wallet
/// exchange (`web::wallet`) both call it.
pub(crate) async fn check_presentation(
    state: &AppState,
    cx: verification::VerifyContext<'_>,
    vp_value: &Value,
    expected: &Expected,
) -> PresentationVerifyResult {
    let empty = Map::new();
    let vp = vp_value.as_object().unwrap_or(&empty);
    let mut f = Findings::default();
    let depth = model::json_depth(vp_value);
    let credentials = embedded_credentials(vp);
    if depth > model::MAX_JSON_DEPTH {
        f.error(
            &format!("{VCDM}MALFORMED_VALUE_ERROR"),
            "parse",
            "json_too_deep",
            format!(
                "the presentation nests {depth} levels deep; the limit is {}",
                model::MAX_JSON_DEPTH
            ),
        );
    } else {
        let holder = structure(vp, &mut f);
        // did:web holders' documents are fetched only for a presentation
        // that passed its structural checks.
        let keys = verification::HolderKeys::new(cx.resolver, f.errors.is_empty());
        proof_checks(vp_value, holder.as_deref(), expected, &keys, cx.now, &mut f).await;
        if credentials.is_empty() && vp.get("proof").is_none() {
            f.error(
                &format!("{VCDM}MALFORMED_VALUE_ERROR"),
                "structure",
                "nothing_to_verify",
                "the presentation has neither a proof nor credentials",
            );
        }
    }
    let presentation_verified = f.errors.is_empty();
    let presentation_result = json!({
        "verified": presentation_verified,
        "checks": f.checks,
        "warnings": f.warnings,
        "errors": f.errors,
    });
    let mut checks = f.checks.clone();
    let mut errors = f.errors;
    let mut credential_results = Vec::with_capacity(credentials.len());
    let mut all = presentation_verified;
    if depth <= model::MAX_JSON_DEPTH {
        for (i, credential) in credentials.iter().enumerate() {
            let report = match credential {
                Value::Object(_) if is_enveloped(credential) => verification::Report::of_checks(
                    vec![unsupported(
                        "enveloped_credential_unsupported",
                        "an EnvelopedVerifiableCredential (VC-JOSE-COSE) is not verified here",
                    )],
                    cx.now,
                ),
                Value::Object(_) => verification::verify_value(credential, cx).await,
                // A VC-JWT (OB 3.0 §8.2) as a compact JWS string.
                Value::String(jws) if crate::proof::jwt::looks_like_compact_jws(jws.as_bytes()) => {
                    verification::verify_jws_text(jws, cx).await
                }
                _ => verification::Report::of_checks(
                    vec![unsupported(
                        "credential_form_unsupported",
                        "a credential must be a JSON object or a VC-JWT (compact JWS)",
                    )],
                    cx.now,
                ),
            };
            count(state, &report);
            all &= report.verified;
            if report.verified {
                checks.push(format!("credential[{i}]"));
            }
            let result = vc_api_result(&report);
            errors.extend(result.errors.iter().map(|e| PresentationProblem {
                problem_type: e.problem_type.clone(),
                title: e.title.clone(),
                code: e.code.clone(),
                check: e.check.clone(),
                credential_index: Some(i),
            }));
            credential_results.push(result);
        }
    }
    PresentationVerifyResult {
        verified: all,
        checks,
        warnings: f.warnings,
        errors,
        presentation_result,
        credential_results,
    }
}

fn is_enveloped(credential: &Value) -> bool {
    match credential.get("type") {
        Some(Value::String(t)) => t == "EnvelopedVerifiableCredential",
        Some(Value::Array(a)) => a.iter().any(|t| t == "EnvelopedVerifiableCredential"),
        _ => false,
    }
}

fn unsupported(code: &str, message: &str) -> verification::Check {
    verification::Check {
        check: "parse",
        state: CheckState::Unknown,
        code: code.to_owned(),
        message: message.to_owned(),
        path: None,
    }
}

/// A report as VC-API answers it: `verified`, the passed `checks`, and an
/// `errors` entry per check that failed or could not be made (VCDM 2.0
/// §7.2 error types). Also used per credential by `POST /presentations/verify`.
pub(super) fn vc_api_result(report: &Report) -> VcVerifyResult {
    let problem = |c: &verification::Check| {
        let kind = if c.check == "proof" {
            "CRYPTOGRAPHIC_SECURITY_ERROR"
        } else {
            "MALFORMED_VALUE_ERROR"
        };
        VcProblem {
            check: c.check.to_owned(),
            code: c.code.to_string(),
            title: c.message.to_string(),
            problem_type: format!("{VCDM}{kind}"),
        }
    };
    let valid = |c: &&verification::Check| c.state == verification::CheckState::Valid;
    VcVerifyResult {
        checks: report
            .checks
            .iter()
            .filter(valid)
            .map(|c| c.check.to_owned())
            .collect(),
        errors: report
            .checks
            .iter()
            .filter(|c| !c.passes())
            .map(problem)
            .collect(),
        verified: report.verified,
        // An unsupported proof ignored beside a verified one.
        warnings: report
            .checks
            .iter()
            .filter(|c| c.passes() && !valid(c))
            .map(problem)
            .collect(),
    }
}

/// VC-API `POST /credentials/verify` (W3C VC-API, "Verify Credential"):
/// body `{"verifiableCredential": {…}, "options": {…}}` (unknown option keys
/// are accepted). 200 with the checks when verified; 422 with the problems
/// when not; 400 when the body is not a verification request.
#[utoipa::path(
    post,
    path = "/credentials/verify",
    tag = "vc-api",
    summary = "VC-API: verify a credential",
    description = "W3C VC-API \"Verify Credential\". The body is `{\"verifiableCredential\": {…}, \
\"options\": {…}}`; unknown option keys are accepted. 200 with the passed checks when the credential \
verifies, 422 with the problems when it does not (a check that could not be made is a problem too).",
    request_body(
        content = super::dto::VcVerifyRequest,
        content_type = "application/json",
        description = "The credential and options.",
    ),
    responses(
        (status = 200, description = "Verified: every check passed.",
            body = super::dto::VcVerifyResult),
        (status = 400, description = "The body is not JSON, `verifiableCredential` is missing or not an object, or `options` is not an object.",
            body = super::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than `max_body_bytes`.",
            body = super::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not verified: `errors` lists the checks that failed or could not be made.",
            body = super::dto::VcVerifyResult),
        (status = 429, response = crate::web::error::RateLimited),
        (status = 503, response = crate::web::error::TimedOut),
    )
)]
pub async fn vc_api_verify(
    State(state): State<AppState>,
    request: super::outbound::RequestInfo,
    body: Bytes,
) -> Response {
    let value = match vc_json_body(&body) {
        Ok(v) => v,
        Err(answer) => return answer.into_response(),
    };
    let Some(credential) = value.get("verifiableCredential").filter(|c| c.is_object()) else {
        return problem(
            StatusCode::BAD_REQUEST,
            "MALFORMED_VALUE_ERROR",
            "verifiableCredential (an object) is required",
        );
    };
    if value.get("options").is_some_and(|o| !o.is_object()) {
        return problem(
            StatusCode::BAD_REQUEST,
            "MALFORMED_VALUE_ERROR",
            "options must be an object",
        );
    }
    let pieces = Pieces::new(&state, request);
    let own = pieces.own_lists(&state);
    let cx = pieces.context(own.as_ref());
    let report = verification::verify_value(credential, cx).await;
    count(&state, &report);
    let body = serde_json::to_string(&vc_api_result(&report)).unwrap_or_default();
    let status = if report.verified {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

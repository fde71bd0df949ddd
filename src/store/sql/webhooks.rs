//! Webhook subscriptions, events and deliveries in SQL: the outbox write
//! made by every audit append ([`enqueue_events`]), the claim of due
//! deliveries by one node, and [`WebhookTx`](crate::store::WebhookTx).

use super::{CHUNK, SqlTx, credentials, param_list, q, values_list};
use crate::audit::AuditRecord;
use crate::future::BoxFuture;
use crate::notify::event;
use crate::store::{
    Backend, ClaimedDelivery, DeliveryFilter, DeliveryOutcome, DeliveryRecord, DeliveryState,
    StoreError, SubscriptionRecord, WebhookTx,
};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

const SUBSCRIPTION_COLS: &str =
    "id, url, events, certification, description, secret, created_at, created_by, removed_at";
const DELIVERY_SELECT: &str = "SELECT d.id, d.event_id, e.type AS event_type, e.credential_id, \
     e.occurred_at, d.subscription_id, s.url, d.state, d.attempts, d.next_attempt_at, \
     d.last_status, d.last_error, d.finished_at, s.secret, e.details, d.lease_until \
     FROM webhook_deliveries d \
     JOIN webhook_events e ON e.id = d.event_id \
     JOIN webhook_subscriptions s ON s.id = d.subscription_id";

/// `,a,b,` for the event types `[a, b]`: the stored form, matched with `LIKE '%,t,%'`.
fn events_text(events: &[String]) -> String {
    format!(",{},", events.join(","))
}

fn subscription_from(row: &AnyRow) -> Result<SubscriptionRecord, StoreError> {
    let events: String = row.try_get("events")?;
    Ok(SubscriptionRecord {
        id: row.try_get("id")?,
        url: row.try_get("url")?,
        events: events
            .split(',')
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .collect(),
        certification: row.try_get("certification")?,
        description: row.try_get("description")?,
        secret: row.try_get("secret")?,
        created_at: row.try_get("created_at")?,
        created_by: row.try_get("created_by")?,
        removed_at: row.try_get("removed_at")?,
    })
}

fn delivery_from(row: &AnyRow) -> Result<DeliveryRecord, StoreError> {
    let state: String = row.try_get("state")?;
    Ok(DeliveryRecord {
        id: row.try_get("id")?,
        event_id: row.try_get("event_id")?,
        event_type: row.try_get("event_type")?,
        credential_id: row.try_get("credential_id")?,
        occurred_at: row.try_get("occurred_at")?,
        subscription_id: row.try_get("subscription_id")?,
        url: row.try_get("url")?,
        state: DeliveryState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("delivery state {state:?}")))?,
        attempts: row.try_get("attempts")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
        last_status: row.try_get("last_status")?,
        last_error: row.try_get("last_error")?,
        finished_at: row.try_get("finished_at")?,
    })
}

/// See [`crate::store::Store::webhook_subscriptions`].
pub(super) async fn subscriptions(pool: &AnyPool) -> Result<Vec<SubscriptionRecord>, StoreError> {
    let rows = q(format!(
        "SELECT {SUBSCRIPTION_COLS} FROM webhook_subscriptions ORDER BY created_at, id"
    ))
    .fetch_all(pool)
    .await?;
    rows.iter().map(subscription_from).collect()
}

/// See [`crate::store::Store::webhook_deliveries`].
pub(super) async fn deliveries(
    pool: &AnyPool,
    filter: &DeliveryFilter,
) -> Result<Vec<DeliveryRecord>, StoreError> {
    let mut clauses = Vec::new();
    let mut binds = Vec::new();
    if let Some(s) = filter.state {
        binds.push(s.as_str().to_owned());
        clauses.push(format!("d.state = ${}", binds.len()));
    }
    if let Some(s) = &filter.subscription_id {
        binds.push(s.clone());
        clauses.push(format!("d.subscription_id = ${}", binds.len()));
    }
    let filter_sql = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    let mut query = q(format!(
        "{DELIVERY_SELECT}{filter_sql} ORDER BY e.audit_seq DESC, d.subscription_id LIMIT {}",
        filter.limit.clamp(1, 1000)
    ));
    for b in binds {
        query = query.bind(b);
    }
    let rows = query.fetch_all(pool).await?;
    rows.iter().map(delivery_from).collect()
}

/// See [`crate::store::Store::claim_webhook_deliveries`]: one statement
/// takes the lease on at most `limit` due deliveries, so two nodes never
/// hold the same one (PostgreSQL `FOR UPDATE SKIP LOCKED`; SQLite runs one
/// writing statement at a time).
pub(super) async fn claim(
    pool: &AnyPool,
    backend: Backend,
    now: &str,
    lease_until: &str,
    limit: i64,
) -> Result<Vec<ClaimedDelivery>, StoreError> {
    let skip_locked = match backend {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let claimed = q(format!(
        "UPDATE webhook_deliveries SET lease_until = $1, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM webhook_deliveries WHERE state = 'pending' \
         AND next_attempt_at <= $2 AND (lease_until IS NULL OR lease_until <= $2) \
         ORDER BY next_attempt_at LIMIT $3{skip_locked}) RETURNING id"
    ))
    .bind(lease_until.to_owned())
    .bind(now.to_owned())
    .bind(limit.clamp(1, 1000))
    .fetch_all(pool)
    .await?;
    let ids: Vec<String> = claimed
        .iter()
        .map(|r| r.try_get::<String, _>("id"))
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = q(format!(
        "{DELIVERY_SELECT} WHERE d.id IN ({}) ORDER BY d.next_attempt_at",
        param_list(Backend::Postgres, ids.len(), 1)
    ));
    for id in &ids {
        query = query.bind(id.clone());
    }
    let rows = query.fetch_all(pool).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let delivery = delivery_from(row)?;
        let credential = credentials::credential(pool, &delivery.credential_id, "").await?;
        out.push(ClaimedDelivery {
            delivery,
            secret: row.try_get("secret")?,
            details: row.try_get("details")?,
            credential,
            lease_until: row
                .try_get::<Option<String>, _>("lease_until")?
                .unwrap_or_default(),
        });
    }
    Ok(out)
}

/// See [`crate::store::Store::finish_webhook_delivery`].
pub(super) async fn finish(
    pool: &AnyPool,
    id: &str,
    lease_until: &str,
    outcome: &DeliveryOutcome,
) -> Result<bool, StoreError> {
    let (state, status, error, next, finished) = match outcome {
        DeliveryOutcome::Delivered { status, at } => (
            "delivered",
            Some(i64::from(*status)),
            None,
            None,
            Some(at.clone()),
        ),
        DeliveryOutcome::Retry {
            status,
            error,
            next_attempt_at,
        } => (
            "pending",
            status.map(i64::from),
            Some(error.clone()),
            Some(next_attempt_at.clone()),
            None,
        ),
        DeliveryOutcome::Failed { status, error, at } => (
            "failed",
            status.map(i64::from),
            Some(error.clone()),
            None,
            Some(at.clone()),
        ),
    };
    let done = sqlx::query(
        "UPDATE webhook_deliveries SET state = $1, last_status = $2, last_error = $3, \
         next_attempt_at = COALESCE($4, next_attempt_at), finished_at = $5, lease_until = NULL \
         WHERE id = $6 AND lease_until = $7 AND state = 'pending'",
    )
    .bind(state)
    .bind(status)
    .bind(error)
    .bind(next)
    .bind(finished)
    .bind(id.to_owned())
    .bind(lease_until.to_owned())
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The outbox write: for each appended entry that changes a credential
/// ([`event::for_audit`]), its event, and one pending delivery per active
/// subscription that asks for that event type (and that credential's
/// certification, when it filters), due at once. Runs inside the append's
/// transaction. With no active subscription nothing is written: an event
/// is only ever delivered to the subscriptions that existed when it was
/// raised, so an unheard event needs no row.
pub(super) async fn enqueue_events(
    tx: &mut SqlTx,
    records: &[AuditRecord],
) -> Result<(), StoreError> {
    let events: Vec<(String, &'static str, &AuditRecord, String)> = records
        .iter()
        .filter_map(|r| {
            let (kind, public) = event::for_audit(&r.action, &r.details)?;
            Some((
                event::event_id(&r.hash),
                kind.as_str(),
                r,
                public.to_string(),
            ))
        })
        .collect();
    let (Some(first), Some(last)) = (events.first(), events.last()) else {
        return Ok(());
    };
    let listening =
        sqlx::query("SELECT 1 FROM webhook_subscriptions WHERE removed_at IS NULL LIMIT 1")
            .fetch_optional(&mut *tx.tx)
            .await?;
    if listening.is_none() {
        return Ok(());
    }
    let (first_seq, last_seq, at) = (first.2.seq, last.2.seq, last.2.at.clone());
    for chunk in events.chunks(CHUNK) {
        let mut query = q(format!(
            "INSERT INTO webhook_events (id, type, credential_id, audit_seq, occurred_at, details) VALUES {}",
            values_list(tx.backend, chunk.len(), 6, 1)
        ));
        for (id, kind, r, details) in chunk {
            query = query
                .bind(id.clone())
                .bind(*kind)
                .bind(r.subject.clone())
                .bind(r.seq)
                .bind(r.at.clone())
                .bind(details.clone());
        }
        query.execute(&mut *tx.tx).await?;
    }
    // Due at once: the millisecond form of the entry's time.
    let due = format!("{}.000Z", at.trim_end_matches('Z'));
    sqlx::query(
        "INSERT INTO webhook_deliveries (id, event_id, subscription_id, state, attempts, next_attempt_at) \
         SELECT e.id || '.' || s.id, e.id, s.id, 'pending', 0, $1 \
         FROM webhook_events e \
         JOIN webhook_subscriptions s ON s.removed_at IS NULL \
           AND s.events LIKE '%,' || e.type || ',%' \
         LEFT JOIN credentials c ON c.id = e.credential_id \
         WHERE e.audit_seq BETWEEN $2 AND $3 \
           AND (s.certification IS NULL OR s.certification = c.certification)",
    )
    .bind(due)
    .bind(first_seq)
    .bind(last_seq)
    .execute(&mut *tx.tx)
    .await?;
    Ok(())
}

impl WebhookTx for SqlTx {
    fn insert_webhook_subscription<'a>(
        &'a mut self,
        s: &'a SubscriptionRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            q(format!(
                "INSERT INTO webhook_subscriptions ({SUBSCRIPTION_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            ))
            .bind(s.id.clone())
            .bind(s.url.clone())
            .bind(events_text(&s.events))
            .bind(s.certification.clone())
            .bind(s.description.clone())
            .bind(s.secret.clone())
            .bind(s.created_at.clone())
            .bind(s.created_by.clone())
            .bind(s.removed_at.clone())
            .execute(&mut *self.tx)
            .await?;
            Ok(())
        })
    }

    fn remove_webhook_subscription<'a>(
        &'a mut self,
        id: &'a str,
        at: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let done = sqlx::query(
                "UPDATE webhook_subscriptions SET removed_at = $1 WHERE id = $2 AND removed_at IS NULL",
            )
            .bind(at.to_owned())
            .bind(id.to_owned())
            .execute(&mut *self.tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound(format!(
                    "active webhook subscription {id}"
                )));
            }
            sqlx::query(
                "UPDATE webhook_deliveries SET state = 'cancelled', finished_at = $1, lease_until = NULL \
                 WHERE subscription_id = $2 AND state = 'pending'",
            )
            .bind(at.to_owned())
            .bind(id.to_owned())
            .execute(&mut *self.tx)
            .await?;
            Ok(())
        })
    }

    fn note_expiry_warning<'a>(
        &'a mut self,
        credential_id: &'a str,
        window_days: i64,
        at: &'a str,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let done = sqlx::query(
                "INSERT INTO expiry_notices (credential_id, window_days, noticed_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (credential_id, window_days) DO NOTHING",
            )
            .bind(credential_id.to_owned())
            .bind(window_days)
            .bind(at.to_owned())
            .execute(&mut *self.tx)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }
}

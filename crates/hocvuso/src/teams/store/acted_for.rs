//! What was done on a person's behalf, and the contacts teams publish.
use super::*;

pub(crate) async fn record_acted_for(
    tx: &mut Tx,
    person: &str,
    actor: &SessionUser,
    action: &str,
    detail: &str,
) -> DbResult<()> {
    tx.execute(
        q("INSERT INTO acted_for (id, person_id, actor_id, actor_name, action, detail, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(new_id())
            .bind(person)
            .bind(&actor.id)
            .bind(&actor.full_name)
            .bind(action)
            .bind(detail)
            .bind(now()),
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct ActedFor {
    pub actor_name: String,
    pub action: String,
    pub detail: String,
    pub at: i64,
}

pub(crate) async fn acted_for_of(db: &Db, person: &str) -> DbResult<Vec<ActedFor>> {
    db.fetch_all(
        q("SELECT actor_name, action, detail, at FROM acted_for WHERE person_id = $1 ORDER BY at DESC, id DESC LIMIT 200")
            .bind(person),
    )
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Contact {
    pub team_name: String,
    pub unit_name: String,
    pub full_name: String,
    pub role: String,
    pub phone: Option<String>,
}

/// Members who agreed to publish their contact, of the teams of these units (a village and its commune).
pub(crate) async fn published_contacts(db: &Db, units: &[&str]) -> DbResult<Vec<Contact>> {
    let mut out = Vec::new();
    for unit in units {
        out.extend(
            db.fetch_all::<Contact>(
                q("SELECT t.name AS team_name, u.name AS unit_name, p.full_name, m.role, p.phone
                   FROM team_members m JOIN teams t ON t.id = m.team_id JOIN units u ON u.code = t.unit_code
                   JOIN people p ON p.id = m.person_id
                   WHERE t.unit_code = $1 AND m.publish_contact AND (m.left_on IS NULL OR m.left_on > $2)
                   ORDER BY t.name_key, CASE m.role WHEN 'leader' THEN 0 ELSE 1 END, p.full_name")
                .bind(*unit)
                .bind(today()),
            )
            .await?,
        );
    }
    Ok(out)
}

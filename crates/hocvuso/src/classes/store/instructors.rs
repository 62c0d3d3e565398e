//! Who teaches a class.
use super::*;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PersonName {
    pub id: String,
    pub full_name: String,
}

pub(crate) async fn add_instructor(tx: &mut Tx, class_id: &str, person: &str) -> DbResult<u64> {
    // Whether someone teaches is part of their signed-in self (it gives them "Lớp của tôi").
    crate::web::session_cache::changed(tx);
    tx.execute(
        q(
            "INSERT INTO class_instructors (class_id, person_id) VALUES ($1, $2)
           ON CONFLICT (class_id, person_id) DO NOTHING",
        )
        .bind(class_id)
        .bind(person),
    )
    .await
}

pub(crate) async fn remove_instructor(tx: &mut Tx, class_id: &str, person: &str) -> DbResult<u64> {
    crate::web::session_cache::changed(tx);
    tx.execute(
        q("DELETE FROM class_instructors WHERE class_id = $1 AND person_id = $2")
            .bind(class_id)
            .bind(person),
    )
    .await
}

pub(crate) async fn instructors_of(db: &Db, class_id: &str) -> DbResult<Vec<PersonName>> {
    db.fetch_all(
        q("SELECT p.id, p.full_name FROM class_instructors ci JOIN people p ON p.id = ci.person_id
           WHERE ci.class_id = $1 ORDER BY p.full_name, p.id")
        .bind(class_id),
    )
    .await
}

pub(crate) async fn class_code_of(tx: &mut Tx, class_id: &str) -> DbResult<Option<String>> {
    tx.scalar(q("SELECT code FROM classes WHERE id = $1").bind(class_id))
        .await
}

pub(crate) async fn is_instructor(tx: &mut Tx, class_id: &str, person: &str) -> DbResult<bool> {
    Ok(tx
        .count(
            q("SELECT COUNT(*) FROM class_instructors WHERE class_id = $1 AND person_id = $2")
                .bind(class_id)
                .bind(person),
        )
        .await?
        > 0)
}

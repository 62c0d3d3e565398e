//! Sign-up card codes: the short code on a paper card that links a person registered on their behalf.
use super::*;

/// The person's card code, created the first time it is asked for.
pub(crate) async fn card_code(db: &Db, person: &str) -> DbResult<String> {
    if let Some(c) = db
        .scalar::<String>(q("SELECT code FROM person_cards WHERE person_id = $1").bind(person))
        .await?
    {
        return Ok(c);
    }
    loop {
        let code = crate::classes::model::short_code(8);
        let r = db
            .execute(
                q(
                    "INSERT INTO person_cards (person_id, code, created_at) VALUES ($1, $2, $3)
                   ON CONFLICT (person_id) DO NOTHING",
                )
                .bind(person)
                .bind(&code)
                .bind(now()),
            )
            .await;
        match r {
            // A code collision: draw again.
            Err(e) if e.is_unique() => continue,
            Err(e) => return Err(e),
            Ok(_) => {
                return Ok(db
                    .scalar::<String>(
                        q("SELECT code FROM person_cards WHERE person_id = $1").bind(person),
                    )
                    .await?
                    .unwrap_or(code));
            }
        }
    }
}

/// Give a new person a card code inside the caller's transaction (8 characters from 31: a clash is
/// a one-in-hundreds-of-billions event, and the unique constraint would refuse it rather than mix people).
pub(crate) async fn new_card(tx: &mut Tx, person: &str) -> DbResult<()> {
    tx.execute(
        q(
            "INSERT INTO person_cards (person_id, code, created_at) VALUES ($1, $2, $3)
           ON CONFLICT (person_id) DO NOTHING",
        )
        .bind(person)
        .bind(crate::classes::model::short_code(8))
        .bind(now()),
    )
    .await?;
    Ok(())
}

pub(crate) async fn person_by_card(tx: &mut Tx, code: &str) -> DbResult<Option<String>> {
    tx.scalar(q("SELECT person_id FROM person_cards WHERE code = $1").bind(code))
        .await
}

/// Does `instructor` teach `learner` (registered) in a class of the course `course_slug`? Then they may
/// print the learner's certificate of that course: someone without a phone has no account to download
/// it from until they claim their record.
pub(crate) async fn teaches_course_to(
    db: &Db,
    instructor: &str,
    learner: &str,
    course_slug: &str,
) -> DbResult<bool> {
    let n = db
        .count(
            q("SELECT COUNT(*) FROM class_instructors i
               JOIN class_registrations r ON r.class_id = i.class_id
               JOIN classes c ON c.id = i.class_id
               WHERE i.person_id = $1 AND r.person_id = $2 AND r.status = 'registered'
                 AND (' ' || c.courses || ' ') LIKE $3")
            .bind(instructor)
            .bind(learner)
            .bind(format!("% {} %", course_slug.replace(['%', '_', '\\'], ""))),
        )
        .await?;
    Ok(n > 0)
}

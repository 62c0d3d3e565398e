//! `hocvuso admin create`: the first province administrator, from the command line.
use std::fmt;

use super::model::{NewPerson, normalize_phone, password_problem};
use super::{password, store};
use crate::web::text::clean_line;
use crate::{AppError, AppState};

#[derive(Debug, thiserror::Error)]
pub enum AdminCreateError {
    #[error("not a Vietnamese mobile number: {0}")]
    Phone(String),
    #[error("name: {0}")]
    Name(&'static str),
    #[error("password too weak: {0}")]
    Password(&'static str),
    #[error("{0} already has an account")]
    Exists(String),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<crate::db::DbError> for AdminCreateError {
    fn from(e: crate::db::DbError) -> Self {
        AdminCreateError::App(e.into())
    }
}

pub struct Created {
    pub phone: String,
    pub one_time_password: Option<String>,
}

impl fmt::Display for Created {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "province administrator created: {}", self.phone)?;
        if let Some(p) = &self.one_time_password {
            writeln!(f, "one-time password (change it after signing in): {p}")?;
        }
        Ok(())
    }
}

pub async fn create_admin(
    state: &AppState,
    phone: &str,
    name: &str,
    password_in: Option<String>,
) -> Result<Created, AdminCreateError> {
    let phone = normalize_phone(phone).ok_or_else(|| AdminCreateError::Phone(phone.to_owned()))?;
    let name = clean_line(name).map_err(AdminCreateError::Name)?;
    if name.is_empty() {
        return Err(AdminCreateError::Name("field-required"));
    }
    let (pw, shown) = match password_in {
        Some(p) => {
            if let Some(problem) = password_problem(&p, Some(&phone)) {
                return Err(AdminCreateError::Password(problem));
            }
            (p, None)
        }
        None => {
            let p = password::one_time_password();
            (p.clone(), Some(p))
        }
    };
    let hash = password::hash(pw).await?;
    let mut tx = state.db.begin().await?;
    if store::phone_taken(&mut tx, &phone).await? {
        return Err(AdminCreateError::Exists(phone));
    }
    let person = NewPerson {
        phone: Some(phone.clone()),
        full_name: name,
        birth_year: None,
        sex: "khac".into(),
        ethnic_group: "Kinh".into(),
        commune: state.province.code.clone(),
        village: None,
        target_group: "can-bo".into(),
    };
    let id = store::insert(&mut tx, &person, &state.province.code, Some(&hash), None).await?;
    store::grant_role(&mut tx, &id, "province_admin", &state.province.code, &id).await?;
    if shown.is_some() {
        // A printed password is a one-time password: it expires and must be replaced at first sign-in.
        store::set_one_time_password(&mut tx, &id, &hash).await?;
    }
    tx.commit().await?;
    Ok(Created {
        phone,
        one_time_password: shown,
    })
}

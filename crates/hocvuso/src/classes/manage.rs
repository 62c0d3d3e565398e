//! Organising classes: create and edit, sessions, registration on someone's behalf
//! (including people with no phone), the waitlist, results.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::model::{
    ClassForm, MODES, RESULTS, STATUSES, SessionForm, short_code, validate_class, validate_session,
};
use super::store::{self, Class, PersonName, Registration, Session, Venue};
use super::venues::{CommuneQuery, commune_in_scope, default_commune};
use super::{acts_around, can_organise};
use crate::error::FieldError;
use crate::people::model::{
    SEXES, SignUpForm, TARGET_GROUPS, normalize_phone, validate_person_fields,
};
use crate::units::model::Unit;
use crate::units::reference::ethnic_groups;
use crate::units::store as units;
use crate::web::auth::{CurrentUser, SessionUser};
use crate::web::csrf::CsrfForm;
use crate::web::once;
use crate::web::page::{FormState, Page, render, render_status};
use crate::{AppError, AppResult, AppState};

/// The class, if `user` may manage it (its commune's admins and its instructors); 404 otherwise so
/// classes of other communes are not probed through these pages.
pub(crate) async fn managed_class(
    state: &AppState,
    user: &SessionUser,
    code: &str,
) -> AppResult<Class> {
    let class = store::class_by_code(&state.db, code)
        .await?
        .ok_or(AppError::NotFound)?;
    if user.can_admin(&class.commune_path) {
        return Ok(class);
    }
    let mut tx = state.db.begin_read().await?;
    let teaches = store::is_instructor(&mut tx, &class.id, &user.id).await?;
    drop(tx);
    if teaches {
        Ok(class)
    } else {
        Err(AppError::NotFound)
    }
}

#[derive(Template)]
#[template(path = "classes/admin_list.html")]
struct ListPage {
    page: Page,
    classes: Vec<Class>,
    commune: Option<Unit>,
    can_create: bool,
    is_admin: bool,
    /// Communes a class can be opened in when none is chosen (a province admin's).
    communes: Vec<Unit>,
    picker_action: &'static str,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    Query(cq): Query<CommuneQuery>,
) -> AppResult<Response> {
    let commune = match default_commune(&user, &cq.xa) {
        Some(c) => commune_in_scope(&state, &c, |p| {
            acts_around(&user, "instructor", p) || acts_around(&user, "volunteer", p)
        })
        .await
        .ok(),
        None => None,
    };
    let mut classes = match (&commune, user.top_admin_unit()) {
        (Some(c), _) if user.can_admin(&c.path) => store::classes_under(&state.db, &c.path).await?,
        (_, Some(top)) => store::classes_under(&state.db, &top.unit_path).await?,
        _ => Vec::new(),
    };
    for c in store::classes_taught_by(&state.db, &user.id).await? {
        if !classes.iter().any(|k| k.id == c.id) {
            classes.push(c);
        }
    }
    let can_create = commune
        .as_ref()
        .is_some_and(|c| can_organise(&user, &c.path));
    let communes = if commune.is_none() {
        crate::units::picker::communes_administered(&state, &user).await?
    } else {
        Vec::new()
    };
    Ok(render(&ListPage {
        is_admin: commune.as_ref().is_some_and(|c| user.can_admin(&c.path)),
        page,
        classes,
        commune,
        can_create,
        communes,
        picker_action: "/quan-ly/lop/moi",
    }))
}

#[derive(Template)]
#[template(path = "classes/edit.html")]
struct EditPage {
    page: Page,
    commune: Unit,
    class: Option<Class>,
    venues: Vec<Venue>,
    villages: Vec<Unit>,
    form: FormState,
    modes: &'static [&'static str],
    statuses: &'static [&'static str],
    groups: Vec<&'static str>,
    courses: Vec<super::CourseChoice>,
}

impl EditPage {
    fn picked(&self, slug: &str) -> bool {
        self.form
            .value("courses")
            .split([' ', ','])
            .any(|s| s == slug)
    }
}

async fn edit_page(
    state: &AppState,
    page: Page,
    commune: Unit,
    class: Option<Class>,
    form: FormState,
    status: StatusCode,
) -> AppResult<Response> {
    let mut form = form;
    if form.value("client_id").is_empty() {
        form.values.insert("client_id", once::client_id());
    }
    let venues = store::venues_of(&state.db, &commune.code).await?;
    let villages = units::villages_of(&state.db, &commune.code).await?;
    let mut groups = vec!["all"];
    groups.extend_from_slice(TARGET_GROUPS);
    let courses = super::course_choices(&state.db).await?;
    Ok(render_status(
        status,
        &EditPage {
            page,
            commune,
            class,
            venues,
            villages,
            form,
            modes: MODES,
            statuses: STATUSES,
            groups,
            courses,
        },
    ))
}

fn class_form_state(f: &ClassForm) -> FormState {
    FormState::from_form([
        ("village", &f.village),
        ("title", &f.title),
        ("courses", &f.courses),
        ("mode", &f.mode),
        ("venue", &f.venue),
        ("meeting_url", &f.meeting_url),
        ("how_to_join", &f.how_to_join),
        ("target_group", &f.target_group),
        ("capacity", &f.capacity),
        ("status", &f.status),
        ("min_attendance", &f.min_attendance),
        ("client_id", &f.client_id),
    ])
}

pub(crate) async fn new_form(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    Query(cq): Query<CommuneQuery>,
) -> AppResult<Response> {
    let code = default_commune(&user, &cq.xa).ok_or(AppError::Forbidden)?;
    let commune = commune_in_scope(&state, &code, |p| can_organise(&user, p)).await?;
    let f = ClassForm {
        mode: "in_person".into(),
        target_group: "nguoi-dan".into(),
        capacity: "30".into(),
        status: "open".into(),
        ..Default::default()
    };
    edit_page(
        &state,
        page,
        commune,
        None,
        class_form_state(&f),
        StatusCode::OK,
    )
    .await
}

/// Validate a class form against the database: the village belongs to the commune and the venue too.
async fn check_class(
    state: &AppState,
    commune: &Unit,
    f: &ClassForm,
) -> AppResult<Result<super::model::NewClass, Vec<FieldError>>> {
    let mut c = match validate_class(f) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    c.commune = commune.code.clone();
    let published = super::course_choices(&state.db).await?;
    if c.courses
        .split(' ')
        .filter(|s| !s.is_empty())
        .any(|s| !published.iter().any(|p| p.slug == s))
    {
        return Ok(Err(vec![FieldError::new(
            "courses",
            "class-courses-invalid",
        )]));
    }
    if let Some(v) = &c.village
        && units::get(&state.db, v)
            .await?
            .is_none_or(|u| u.parent_code.as_deref() != Some(&commune.code))
    {
        return Ok(Err(vec![FieldError::new("village", "unit-unknown")]));
    }
    if let Some(v) = &c.venue_id
        && store::get_venue(&state.db, v)
            .await?
            .is_none_or(|v| v.commune_code != commune.code)
    {
        return Ok(Err(vec![FieldError::new("venue", "field-choose")]));
    }
    Ok(Ok(c))
}

pub(crate) async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let f = ClassForm::from_pairs(pairs);
    let commune = commune_in_scope(&state, f.commune.trim(), |p| can_organise(&user, p)).await?;
    let c = match check_class(&state, &commune, &f).await? {
        Ok(c) => c,
        Err(errors) => {
            let mut form = class_form_state(&f);
            form.errors = errors;
            return edit_page(
                &state,
                page,
                commune,
                None,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let mut tx = state.db.begin().await?;
    // A double tap opens one class, and both taps land on it.
    let cid = match once::claim(&mut tx, &f.client_id, "class_create", &user.id).await? {
        once::Claim::Done(location) => return Ok(Redirect::to(&location).into_response()),
        once::Claim::Fresh(cid) => cid,
    };
    let mut code = short_code(6);
    // A collision on a six-letter code is rare; try a few before giving up.
    for _ in 0..5 {
        if !store::code_taken(&mut tx, &code).await? {
            break;
        }
        code = short_code(6);
    }
    let id = store::insert_class(&mut tx, &c, &code, &user.id).await?;
    // An instructor who opens a class teaches it; an admin who opens one manages it anyway.
    if user.has_role("instructor") {
        store::add_instructor(&mut tx, &id, &user.id).await?;
    }
    let location = format!("/quan-ly/lop/{code}");
    once::finish(&mut tx, &cid, &location).await?;
    tx.commit().await?;
    Ok(Redirect::to(&location).into_response())
}

#[derive(Template)]
#[template(path = "classes/admin_class.html")]
struct ClassAdminPage {
    page: Page,
    class: Class,
    sessions: Vec<Session>,
    instructors: Vec<PersonName>,
    /// Invited to teach, not yet accepted: only the phone number the inviter typed.
    invitations: Vec<crate::people::store::PendingInvitation>,
    registrations: Vec<Registration>,
    results: &'static [&'static str],
    form: FormState,
    notice: String,
    /// Sessions a learner must attend to pass.
    required: i64,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    kq: String,
}

pub(super) async fn class_admin_page(
    state: &AppState,
    page: Page,
    class: Class,
    mut form: FormState,
    notice: &str,
    status: StatusCode,
) -> AppResult<Response> {
    if form.value("client_id").is_empty() {
        form.values.insert("client_id", once::client_id());
    }
    let sessions = store::sessions_of(&state.db, &class.id).await?;
    let instructors = store::instructors_of(&state.db, &class.id).await?;
    let invitations = crate::people::store::pending_invitations(
        &state.db,
        crate::people::store::INVITE_INSTRUCTOR,
        &class.id,
    )
    .await?;
    let registrations = store::registrations_of(&state.db, &class.id).await?;
    let required = store::required_attendance(&state.db, &class).await?;
    Ok(render_status(
        status,
        &ClassAdminPage {
            page,
            class,
            sessions,
            instructors,
            invitations,
            registrations,
            results: RESULTS,
            form,
            notice: notice.to_owned(),
            required,
        },
    ))
}

pub(crate) async fn class_admin(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    Path(code): Path<String>,
    Query(nq): Query<NoticeQuery>,
) -> AppResult<Response> {
    let class = managed_class(&state, &user, &code).await?;
    let notice = match nq.kq.as_str() {
        "seat" | "waitlist" | "already" | "cancelled" | "saved" | "invited" | "merged" => {
            format!("class-notice-{}", nq.kq)
        }
        _ => String::new(),
    };
    // The roster is personal data: each learner on it sees that this person opened it.
    let roster: Vec<String> = store::registrations_of(&state.db, &class.id)
        .await?
        .into_iter()
        .map(|r| r.person_id)
        .filter(|p| *p != user.id)
        .collect();
    crate::people::store::log_access_many(
        &state.db,
        &user.id,
        &user.full_name,
        &roster,
        "class_roster",
    )
    .await?;
    class_admin_page(
        &state,
        page,
        class,
        FormState::default(),
        &notice,
        StatusCode::OK,
    )
    .await
}

pub(crate) async fn update(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    Path(code): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> AppResult<Response> {
    let f = ClassForm::from_pairs(pairs);
    let class = managed_class(&state, &user, &code).await?;
    let commune = commune_in_scope(&state, &class.commune_code, |_| true).await?;
    let c = match check_class(&state, &commune, &f).await? {
        Ok(c) => c,
        Err(errors) => {
            let mut form = class_form_state(&f);
            form.errors = errors;
            return edit_page(
                &state,
                page,
                commune,
                Some(class),
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let mut tx = state.db.begin().await?;
    let cid = match once::claim(&mut tx, &f.client_id, "class_edit", &user.id).await? {
        once::Claim::Done(location) => return Ok(Redirect::to(&location).into_response()),
        once::Claim::Fresh(cid) => cid,
    };
    store::update_class(&mut tx, &class.id, &c).await?;
    // More seats: the people waiting move up, in order.
    store::promote(&mut tx, &class.id, c.capacity).await?;
    let location = format!("/quan-ly/lop/{code}?kq=saved");
    once::finish(&mut tx, &cid, &location).await?;
    tx.commit().await?;
    Ok(Redirect::to(&location).into_response())
}

/// The edit form of an existing class (linked from its admin page).
pub(crate) async fn edit_form(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let class = managed_class(&state, &user, &code).await?;
    let state = &state;
    let commune = commune_in_scope(state, &class.commune_code, |_| true).await?;
    let f = ClassForm {
        client_id: String::new(),
        commune: class.commune_code.clone(),
        village: class.village_code.clone().unwrap_or_default(),
        title: class.title.clone(),
        courses: class.courses.clone(),
        mode: class.mode.clone(),
        venue: class.venue_id.clone().unwrap_or_default(),
        meeting_url: class.meeting_url.clone().unwrap_or_default(),
        how_to_join: class.how_to_join.clone(),
        target_group: class.target_group.clone(),
        capacity: class.capacity.to_string(),
        status: class.status.clone(),
        min_attendance: class
            .min_attendance
            .map(|n| n.to_string())
            .unwrap_or_default(),
    };
    edit_page(
        state,
        page,
        commune,
        Some(class),
        class_form_state(&f),
        StatusCode::OK,
    )
    .await
}

pub(crate) async fn add_session(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<SessionForm>,
) -> AppResult<Response> {
    let class = managed_class(&state, &user, &code).await?;
    let (starts, minutes) = match validate_session(&f) {
        Ok(v) => v,
        Err(errors) => {
            let mut form = FormState::from_form([
                ("date", &f.date),
                ("start", &f.start),
                ("duration", &f.duration),
                ("client_id", &f.client_id),
            ]);
            form.errors = errors;
            return class_admin_page(
                &state,
                page,
                class,
                form,
                "",
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let mut tx = state.db.begin().await?;
    let cid = match once::claim(&mut tx, &f.client_id, "class_session", &user.id).await? {
        once::Claim::Done(location) => return Ok(Redirect::to(&location).into_response()),
        once::Claim::Fresh(cid) => cid,
    };
    store::add_session(&mut tx, &class.id, starts, minutes).await?;
    let location = format!("/quan-ly/lop/{code}?kq=saved");
    once::finish(&mut tx, &cid, &location).await?;
    tx.commit().await?;
    Ok(Redirect::to(&location).into_response())
}

/// A form whose only field is its client id (a delete or cancel button).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct OnceForm {
    pub client_id: String,
}

pub(crate) async fn delete_session(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((code, sid)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<OnceForm>,
) -> AppResult<Redirect> {
    let class = managed_class(&state, &user, &code).await?;
    let mut tx = state.db.begin().await?;
    // The second tap of a delete finds the session gone: it gets the first tap's confirmation, not an error.
    let cid = match once::claim(&mut tx, &f.client_id, "class_session_delete", &user.id).await? {
        once::Claim::Done(location) => return Ok(Redirect::to(&location)),
        once::Claim::Fresh(cid) => cid,
    };
    if store::delete_session(&mut tx, &class.id, &sid).await? == 0 {
        return Err(AppError::BadRequest("class-session-held"));
    }
    let location = format!("/quan-ly/lop/{code}?kq=saved");
    once::finish(&mut tx, &cid, &location).await?;
    tx.commit().await?;
    Ok(Redirect::to(&location))
}

// ---- registration on someone's behalf --------------------------------------------------------------

/// May `user` register people for this class? Its managers, and team members (volunteers) and
/// instructors working in or under its commune.
async fn may_register_for(state: &AppState, user: &SessionUser, code: &str) -> AppResult<Class> {
    let class = store::class_by_code(&state.db, code)
        .await?
        .ok_or(AppError::NotFound)?;
    if acts_around(user, "volunteer", &class.commune_path)
        || acts_around(user, "instructor", &class.commune_path)
    {
        return Ok(class);
    }
    managed_class(state, user, code).await
}

#[derive(Template)]
#[template(path = "classes/on_behalf.html")]
struct OnBehalfPage {
    page: Page,
    class: Class,
    villages: Vec<Unit>,
    form: FormState,
    ethnic_groups: &'static [String],
    sexes: &'static [&'static str],
    target_groups: &'static [&'static str],
    done: String,
    /// People already recorded with the name and birth year being registered (issue 12): pick one, or
    /// confirm a different person.
    matches: Vec<crate::people::merge::Match>,
}

async fn on_behalf_page(
    state: &AppState,
    page: Page,
    class: Class,
    form: FormState,
    done: String,
    status: StatusCode,
) -> AppResult<Response> {
    on_behalf_page_with(state, page, class, form, done, Vec::new(), status).await
}

async fn on_behalf_page_with(
    state: &AppState,
    page: Page,
    class: Class,
    mut form: FormState,
    done: String,
    matches: Vec<crate::people::merge::Match>,
    status: StatusCode,
) -> AppResult<Response> {
    // Each rendering is a new submission (a re-rendered 422 keeps the id it was sent with).
    if form.value("client_id").is_empty() {
        form.values.insert("client_id", once::client_id());
    }
    let villages = units::villages_of(&state.db, &class.commune_code).await?;
    Ok(render_status(
        status,
        &OnBehalfPage {
            page,
            class,
            villages,
            form,
            ethnic_groups: ethnic_groups(),
            sexes: SEXES,
            target_groups: TARGET_GROUPS,
            done,
            matches,
        },
    ))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    kq: String,
    ten: String,
}

pub(crate) async fn on_behalf_form(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    Path(code): Path<String>,
    Query(dq): Query<DoneQuery>,
) -> AppResult<Response> {
    let class = may_register_for(&state, &user, &code).await?;
    let mut form = FormState::default();
    form.values.insert(
        "target_group",
        class.target_group.replace("all", "nguoi-dan"),
    );
    let done = match dq.kq.as_str() {
        "seat" | "waitlist" | "already" => {
            let name = crate::web::text::clean_line(&dq.ten).unwrap_or_default();
            format!(
                "{}: {}",
                page.t(&format!("class-notice-other-{}", dq.kq)),
                name
            )
        }
        _ => String::new(),
    };
    on_behalf_page(&state, page, class, form, done, StatusCode::OK).await
}

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct OnBehalfForm {
    /// The form's client id (see `web::once`).
    client_id: String,
    /// "existing" (find by phone), "match" (a likely match picked from the list, `person`) or "new" (a
    /// minimal learner record).
    who: String,
    /// The person picked among the likely matches.
    person: String,
    /// "yes": the registrar saw the likely matches and this is someone else.
    different_person: String,
    phone: String,
    full_name: String,
    birth_year: String,
    sex: String,
    ethnic_group: String,
    village: String,
    target_group: String,
    consent_in_person: String,
}

pub(crate) async fn register_on_behalf(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    page: Page,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<OnBehalfForm>,
) -> AppResult<Response> {
    let class = may_register_for(&state, &user, &code).await?;
    if !super::model::REGISTERABLE.contains(&class.status.as_str()) {
        return Err(AppError::BadRequest("class-not-open"));
    }
    let form = FormState::from_form([
        ("who", &f.who),
        ("phone", &f.phone),
        ("full_name", &f.full_name),
        ("birth_year", &f.birth_year),
        ("sex", &f.sex),
        ("ethnic_group", &f.ethnic_group),
        ("village", &f.village),
        ("target_group", &f.target_group),
        ("consent_in_person", &f.consent_in_person),
        ("client_id", &f.client_id),
        ("different_person", &f.different_person),
    ]);
    let fail = |form: FormState, errors: Vec<FieldError>| {
        let mut form = form;
        form.errors = errors;
        form
    };
    let mut tx = state.db.begin().await?;
    // A double tap or a resubmit of the same form registers nobody twice: it shows the first answer.
    let cid = match once::claim(&mut tx, &f.client_id, "class_on_behalf", &user.id).await? {
        once::Claim::Done(location) => return Ok(Redirect::to(&location).into_response()),
        once::Claim::Fresh(cid) => cid,
    };
    let (person_id, name, created) = if f.who == "match" {
        // A likely match the registrar picked: only someone living in this commune can be named.
        let found = match uuid::Uuid::parse_str(&f.person) {
            Ok(_) => crate::people::store::unit_path_of(&state.db, &f.person)
                .await?
                .is_some_and(|p| p.starts_with(&class.commune_path)),
            Err(_) => false,
        };
        let person = if found {
            crate::people::store::get(&state.db, &f.person).await?
        } else {
            None
        };
        let Some(person) = person else {
            drop(tx);
            let form = fail(form, vec![FieldError::new("full_name", "class-match-gone")]);
            return on_behalf_page(
                &state,
                page,
                class,
                form,
                String::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        };
        (person.id, person.full_name, false)
    } else if f.who == "existing" {
        let phone = normalize_phone(&f.phone);
        let found = match &phone {
            Some(p) => crate::people::store::credentials_by_phone(&state.db, p).await?,
            None => None,
        };
        // Only people of this commune can be found: a volunteer must not learn who lives elsewhere.
        let in_commune = match &found {
            Some(c) => crate::people::store::unit_path_of(&state.db, &c.id)
                .await?
                .is_some_and(|p| p.starts_with(&class.commune_path)),
            None => false,
        };
        match found {
            Some(c) if in_commune => {
                let person = crate::people::store::get(&state.db, &c.id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                (person.id, person.full_name, false)
            }
            _ => {
                drop(tx);
                let form = fail(
                    form,
                    vec![FieldError::new("phone", "class-person-not-found")],
                );
                return on_behalf_page(
                    &state,
                    page,
                    class,
                    form,
                    String::new(),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        }
    } else {
        let this_year = crate::i18n::vn_time(crate::db::now()).year() as i64;
        let sf = SignUpForm {
            full_name: f.full_name.clone(),
            birth_year: f.birth_year.clone(),
            sex: f.sex.clone(),
            ethnic_group: f.ethnic_group.clone(),
            commune: class.commune_code.clone(),
            village: f.village.clone(),
            target_group: f.target_group.clone(),
            ..Default::default()
        };
        let mut errors = Vec::new();
        let person = validate_person_fields(&sf, this_year, &mut errors);
        let phone = match f.phone.trim() {
            "" => None,
            p => match normalize_phone(p) {
                Some(p) => Some(p),
                None => {
                    errors.push(FieldError::new("phone", "phone-invalid"));
                    None
                }
            },
        };
        if f.consent_in_person != "yes" {
            errors.push(FieldError::new("consent_in_person", "consent-required"));
        }
        let unit = match &person {
            Some(p) => match crate::units::scope::resolve_home_unit(
                &state,
                &p.commune,
                p.village.as_deref(),
            )
            .await?
            {
                Ok(u) => Some(u),
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
            None => None,
        };
        if let Some(p) = &phone
            && crate::people::store::phone_taken(&mut tx, p).await?
        {
            errors.push(FieldError::new("phone", "class-phone-has-account"));
        }
        let (Some(mut person), Some(unit), true) = (person, unit, errors.is_empty()) else {
            drop(tx);
            let form = fail(form, errors);
            return on_behalf_page(
                &state,
                page,
                class,
                form,
                String::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        };
        // The same person may already be recorded (registered twice without a phone, by two volunteers):
        // show who has this name and birth year here before creating anyone, unless the registrar has
        // seen them and says this is someone else.
        if f.different_person != "yes" {
            let matches = crate::people::merge::likely_matches(
                &mut tx,
                &crate::people::merge::Home {
                    unit_path: &unit.path,
                    commune_code: &class.commune_code,
                },
                &person.full_name,
                person.birth_year,
            )
            .await?;
            if !matches.is_empty() {
                drop(tx);
                let form = fail(
                    form,
                    vec![FieldError::new("full_name", "class-maybe-registered")],
                );
                return on_behalf_page_with(
                    &state,
                    page,
                    class,
                    form,
                    String::new(),
                    matches,
                    StatusCode::CONFLICT,
                )
                .await;
            }
        }
        person.phone = phone;
        // No password: the person has no account to sign in to until they claim it with staff help.
        let id = crate::people::store::register(&mut tx, &person, &unit.code, None, Some(&user.id))
            .await?;
        crate::people::store::grant_role(&mut tx, &id, "learner", &unit.code, &user.id).await?;
        // Their learner card's code is also how they claim this record as their own account later.
        store::new_card(&mut tx, &id).await?;
        (id, person.full_name, true)
    };
    let outcome = store::register(
        &mut tx,
        &class.id,
        class.capacity,
        &person_id,
        Some(&user.id),
    )
    .await?;
    let detail = format!("{} ({})", class.title, class.code);
    if created {
        crate::teams::store::record_acted_for(
            &mut tx,
            &person_id,
            &user,
            "created_record",
            &detail,
        )
        .await?;
    }
    if outcome != store::Registered::Already {
        crate::teams::store::record_acted_for(
            &mut tx,
            &person_id,
            &user,
            "registered_class",
            &detail,
        )
        .await?;
    }
    let kq = match outcome {
        store::Registered::Seat => "seat",
        store::Registered::Waitlist(_) => "waitlist",
        store::Registered::Already => "already",
    };
    let location = format!(
        "/quan-ly/lop/{code}/dang-ky-ho?kq={kq}&ten={}",
        crate::web::page::url_encode(&name)
    );
    once::finish(&mut tx, &cid, &location).await?;
    tx.commit().await?;
    Ok(Redirect::to(&location).into_response())
}

pub(crate) async fn cancel_for(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((code, person)): Path<(String, String)>,
    CsrfForm(f): CsrfForm<OnceForm>,
) -> AppResult<Redirect> {
    let class = managed_class(&state, &user, &code).await?;
    let mut tx = state.db.begin().await?;
    let cid = match once::claim(&mut tx, &f.client_id, "class_cancel_for", &user.id).await? {
        once::Claim::Done(location) => return Ok(Redirect::to(&location)),
        once::Claim::Fresh(cid) => cid,
    };
    let (cancelled, _) =
        store::cancel(&mut tx, &class.id, class.capacity, &person, &user.id).await?;
    if !cancelled {
        return Err(AppError::NotFound);
    }
    let location = format!("/quan-ly/lop/{code}?kq=cancelled");
    once::finish(&mut tx, &cid, &location).await?;
    tx.commit().await?;
    Ok(Redirect::to(&location))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ResultForm {
    /// The form's client id (see `web::once`).
    client_id: String,
    person: String,
    result: String,
    quiz_passed: String,
    note: String,
}

pub(crate) async fn record_result(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<ResultForm>,
) -> AppResult<Redirect> {
    let class = managed_class(&state, &user, &code).await?;
    if !RESULTS.contains(&f.result.as_str()) {
        return Err(AppError::field("result", "field-choose"));
    }
    let note =
        crate::web::text::clean_text(&f.note, 500).map_err(|r| AppError::field("note", r))?;
    let quiz_passed = f.quiz_passed == "yes";
    let mut tx = state.db.begin().await?;
    let cid = match once::claim(&mut tx, &f.client_id, "class_result", &user.id).await? {
        once::Claim::Done(location) => return Ok(Redirect::to(&location)),
        once::Claim::Fresh(cid) => cid,
    };
    if !store::is_registered(&mut tx, &class.id, &f.person).await? {
        return Err(AppError::NotFound);
    }
    // "Passed" means the learner came to enough sessions (the class's minimum attendance) and passed
    // the course quiz in class. Below the minimum it is refused with the reason.
    if f.result == "passed" {
        let required = store::required_attendance(&state.db, &class).await?;
        if store::sessions_attended(&mut tx, &class.id, &f.person).await? < required {
            return Err(AppError::field("result", "class-result-needs-attendance"));
        }
        if !quiz_passed {
            return Err(AppError::field("quiz_passed", "class-result-needs-quiz"));
        }
    }
    store::record_result(
        &mut tx,
        &class,
        &f.person,
        &f.result,
        quiz_passed,
        &note,
        &user.id,
    )
    .await?;
    let location = format!("/quan-ly/lop/{code}?kq=saved");
    once::finish(&mut tx, &cid, &location).await?;
    tx.commit().await?;
    Ok(Redirect::to(&location))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ClassMergeForm {
    /// The form's client id (see `web::once`).
    client_id: String,
    /// The record that stays.
    kept: String,
    /// The record merged into it (and removed).
    merged: String,
}

/// Two records of one learner on this class's roster become one (`people::merge`): its instructors merge
/// learners of their commune; its commune's admins as they would from the people pages.
pub(crate) async fn merge_people(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(code): Path<String>,
    CsrfForm(f): CsrfForm<ClassMergeForm>,
) -> AppResult<Redirect> {
    use crate::people::merge::{self, Side, Via};
    // A second copy finds the merged record gone: it gets the first copy's page, not an error.
    if let Some(l) = once::seen(&state.db, &f.client_id, "class_merge", &user.id).await? {
        return Ok(Redirect::to(&l));
    }
    let class = managed_class(&state, &user, &code).await?;
    let checked = async {
        for (field, id) in [("kept", &f.kept), ("merged", &f.merged)] {
            if uuid::Uuid::parse_str(id).is_err() {
                return Err(AppError::field(field, "field-choose"));
            }
        }
        let mut tx = state.db.begin_read().await?;
        let on_roster = store::is_registered(&mut tx, &class.id, &f.kept).await?
            && store::is_registered(&mut tx, &class.id, &f.merged).await?;
        drop(tx);
        if !on_roster {
            return Err(AppError::field("merged", "class-not-registered"));
        }
        let (kept_home, kept_roles, kept_account) = merge::side_facts(&state.db, &f.kept).await?;
        let (merged_home, merged_roles, merged_account) =
            merge::side_facts(&state.db, &f.merged).await?;
        let via = if user.can_admin(&class.commune_path) {
            Via::Admin
        } else {
            Via::Class {
                commune_path: &class.commune_path,
            }
        };
        merge::may_merge(
            &user,
            via,
            &Side {
                id: &f.kept,
                home_path: &kept_home,
                roles: &kept_roles,
                has_account: kept_account,
            },
            &Side {
                id: &f.merged,
                home_path: &merged_home,
                roles: &merged_roles,
                has_account: merged_account,
            },
        )?;
        Ok::<(), AppError>(())
    }
    .await;
    if let Err(e) = checked {
        // A copy sent at the same time as the first may find the merged record already gone.
        return match once::seen(&state.db, &f.client_id, "class_merge", &user.id).await? {
            Some(l) => Ok(Redirect::to(&l)),
            None => Err(e),
        };
    }
    let mut tx = state.db.begin().await?;
    let cid = match once::claim(&mut tx, &f.client_id, "class_merge", &user.id).await? {
        once::Claim::Done(l) => return Ok(Redirect::to(&l)),
        once::Claim::Fresh(cid) => cid,
    };
    let how = format!("class {}", class.code);
    if !merge::merge(&mut tx, &f.kept, &f.merged, &user, &how).await? {
        return Err(AppError::NotFound);
    }
    let location = format!("/quan-ly/lop/{code}?kq=merged");
    once::finish(&mut tx, &cid, &location).await?;
    tx.commit().await?;
    Ok(Redirect::to(&location))
}

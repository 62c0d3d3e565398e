//! Classes: venues per commune, in-person and online classes with sessions and instructors, a public
//! "find a class near me", registration by the learner or on their behalf with a waitlist, attendance on a
//! phone (offline through `sync`), results, and iCal feeds.
pub mod attendance;
pub mod ical;
pub mod instructors;
pub mod manage;
pub mod model;
pub mod pages;
pub mod store;
pub mod venues;

use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::db::{DbResult, Tx};
use crate::web::auth::SessionUser;

pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/lop-hoc", get(pages::find))
        .route("/lop-hoc/{code}", get(pages::class_page))
        .route("/lop-hoc/{code}/dang-ky", post(pages::register_self))
        .route("/lop-hoc/{code}/huy-dang-ky", post(pages::cancel_self))
        .route("/lop-hoc/{code}/lich.ics", get(ical::class_feed))
        .route("/lop-hoc/xa/{commune}/lich.ics", get(ical::commune_feed))
        .route("/the-hoc-vien", get(pages::my_card))
        .route("/quan-ly/dia-diem", get(venues::list).post(venues::create))
        .route(
            "/quan-ly/dia-diem/{id}",
            get(venues::edit_form).post(venues::update),
        )
        .route("/quan-ly/lop", get(manage::list))
        .route(
            "/quan-ly/lop/moi",
            get(manage::new_form).post(manage::create),
        )
        .route(
            "/quan-ly/lop/{code}",
            get(manage::class_admin).post(manage::update),
        )
        .route("/quan-ly/lop/{code}/sua", get(manage::edit_form))
        .route("/quan-ly/lop/{code}/buoi", post(manage::add_session))
        .route(
            "/quan-ly/lop/{code}/buoi/{sid}/xoa",
            post(manage::delete_session),
        )
        .route("/quan-ly/lop/{code}/giang-vien", post(instructors::invite))
        .route(
            "/quan-ly/lop/{code}/giang-vien/{person}/xoa",
            post(instructors::remove),
        )
        .route(
            "/quan-ly/lop/{code}/loi-moi/{id}/huy",
            post(instructors::withdraw),
        )
        .route(
            "/tai-khoan/loi-moi/{id}/giang-day",
            post(instructors::accept),
        )
        .route(
            "/quan-ly/lop/{code}/dang-ky-ho",
            get(manage::on_behalf_form).post(manage::register_on_behalf),
        )
        .route("/quan-ly/lop/{code}/huy/{person}", post(manage::cancel_for))
        .route("/quan-ly/lop/{code}/ket-qua", post(manage::record_result))
        .route("/quan-ly/lop/{code}/gop", post(manage::merge_people))
        .route(
            "/quan-ly/lop/{code}/buoi/{sid}",
            get(attendance::page).post(attendance::mark),
        )
        .route(
            "/quan-ly/lop/{code}/buoi/{sid}/ma",
            post(attendance::mark_by_code),
        )
}

/// The hook for certificates: called inside the transaction that records a "passed" result (the learner
/// attended and passed the course quiz in class). Issues the course certificate for each slug in
/// `class.courses` that the learner does not hold yet (learning owns certificates).
pub(crate) async fn on_class_passed(
    tx: &mut Tx,
    class: &store::Class,
    person_id: &str,
) -> DbResult<()> {
    let province = crate::learning::store::province_name_of(tx, person_id)
        .await?
        .unwrap_or_default();
    // The class's commune issues the certificate (the province does for a course finished alone).
    let codes = crate::learning::progress::issue_for_class(
        tx,
        &province,
        &class.commune_name,
        person_id,
        &class.course_list(),
        crate::db::now(),
    )
    .await?;
    tracing::info!(class = %class.code, person = %person_id, courses = %class.courses, certificates = ?codes, "class passed");
    Ok(())
}

/// A course as people see it: its title, linking to it by its slug.
pub struct CourseChoice {
    pub slug: String,
    pub title: String,
}

/// The published courses in catalogue order: what the class form offers, and what class pages name.
pub(crate) async fn course_choices(db: &crate::db::Db) -> DbResult<Vec<CourseChoice>> {
    Ok(crate::learning::store::published_courses(db)
        .await?
        .into_iter()
        .map(|c| CourseChoice {
            slug: c.slug,
            title: c.title,
        })
        .collect())
}

/// A role acting around `path`: held at the unit, above it, or below it (a village-level volunteer
/// helps at the commune's class). Admins of the unit always qualify.
pub(crate) fn acts_around(user: &SessionUser, role: &str, path: &str) -> bool {
    user.can_admin(path)
        || user.roles.iter().any(|r| {
            r.role == role && (path.starts_with(&r.unit_path) || r.unit_path.starts_with(path))
        })
}

/// May this person create classes in the commune at `path`? Its admins and its instructors.
pub(crate) fn can_organise(user: &SessionUser, commune_path: &str) -> bool {
    user.acts_in("instructor", commune_path)
}

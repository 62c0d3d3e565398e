//! The assistant measured on the real content and evaluation set: the figures the issue asks for.

#[path = "support/local_content.rs"]
mod local_content;

use std::time::Instant;

use kbsearch::KnowledgeBase;
use kbsearch::eval::evaluate;

#[test]
fn real_content_meets_the_targets() {
    let dir = local_content::content_dir();
    let (docs, cases) = match (
        local_content::load_docs(&dir),
        local_content::load_cases(&dir),
    ) {
        (Ok(d), Ok(c)) => (d, c),
        (d, c) => panic!("content: {:?} {:?}", d.err(), c.err()),
    };
    let started = Instant::now();
    let kb = KnowledgeBase::build(docs).expect("content builds");
    // Debug builds are several times slower than release; the release figure is in the example.
    assert!(
        started.elapsed().as_secs() < 5,
        "build took {:?}",
        started.elapsed()
    );

    let report = evaluate(&kb, &cases);
    assert!(report.top1() >= 0.8, "\n{report}");
    assert!(report.top3() >= 0.9, "\n{report}");
    assert!(report.refusals() >= 0.9, "\n{report}");
}

fn real_kb() -> KnowledgeBase {
    let dir = local_content::content_dir();
    KnowledgeBase::build(local_content::load_docs(&dir).expect("content loads")).expect("builds")
}

/// A citizen telling what happened explains little of the story with any entry; when one entry leads
/// every other by far, that entry is the answer. Written for the kind, not copied from a real part.
#[test]
fn a_told_scam_story_that_points_at_one_entry_is_answered_and_a_long_off_topic_one_is_not() {
    let kb = real_kb();
    let story = "Hôm trước có người kết bạn Zalo tự giới thiệu là chuyên gia chứng khoán, kéo tôi vào \
                 nhóm kín hàng trăm người, ai cũng khoe lãi mấy chục phần trăm một tuần, tôi nạp thử \
                 năm triệu thì thấy lãi ngay nhưng không rút ra được";
    let a = kb.ask(story);
    assert!(a.confident && a.story, "{a:?}");
    assert!(a.coverage < a.required, "{a:?}");
    assert_eq!(a.hits[0].id, "ld-dau-tu-lai-cao");

    for off_topic in [
        "Ông bà nội tôi ở quê ruộng vườn nhiều, năm nay giá lúa xuống thấp quá, tôi muốn hỏi nên \
         chuyển sang trồng cây gì cho có lãi mà không phải vay vốn ngân hàng",
        "Tháng trước tôi đi khám ở bệnh viện huyện, bác sĩ bảo bị cao huyết áp, kê đơn thuốc uống \
         một tháng, giờ hết thuốc rồi tôi muốn hỏi có cần đi khám lại không hay mua thêm ở hiệu thuốc",
    ] {
        let a = kb.ask(off_topic);
        assert!(!a.confident, "{off_topic}: {a:?}");
    }
    // A short question never answers on a lead alone, however far ahead one entry is.
    let short = kb.ask("giá lúa hôm nay");
    assert!(!short.confident && !short.story, "{short:?}");
}

/// A slip in the word that says what a question is about must not hand it to an entry that matches
/// only its common words. Before typos were put right, each of these went confidently to another
/// entry: the Gmail password one, the Facebook two-step one, the VNeID fee one.
#[test]
fn a_typo_in_the_subject_is_put_right_before_ranking() {
    let kb = real_kb();
    for (q, want) in [
        (
            "me toi quen mat khau venid gio lay lai the nao",
            "vneid-quen-mat-khau",
        ),
        (
            "cach bat xac thuc 2 lop gamil ntn",
            "xac-thuc-hai-lop-gmail",
        ),
        ("tai khoan facbeook bi chiem mat roi", "zf-facebook-bi-hack"),
    ] {
        let a = kb.ask(q);
        assert!(a.confident, "{q}: {a:?}");
        assert_eq!(a.hits[0].id, want, "{q}");
    }
    let fee = kb.ask("chtagpt co mat phi ko");
    assert_eq!(fee.hits[0].id, "ai-tai-chatgpt", "{fee:?}");
}

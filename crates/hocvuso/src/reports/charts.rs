//! Charts as plain SVG drawn on the server (no JavaScript): geometry computed here, markup in
//! `templates/reports/chart_*.html`. Every chart is `role="img"` with a title and description, and the
//! page shows the same numbers in a table for screen readers and for people who prefer numbers.
/// Width of the drawing in SVG units; the SVG scales to the screen, so this is a phone's width.
pub const WIDTH: f64 = 360.0;

/// One horizontal bar: a label above, the bar, and the value at its end.
#[derive(Debug, Clone)]
pub struct HBar {
    pub label: String,
    pub value_text: String,
    /// Width of the bar in SVG units (0 for zero or suppressed values).
    pub w: f64,
    pub y: f64,
    /// Where a target marker goes (progress charts), in SVG units.
    pub marker: Option<f64>,
    pub href: Option<String>,
}

#[derive(Debug, Clone)]
pub struct HBarChart {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub bars: Vec<HBar>,
    pub height: f64,
    /// Column headings of the data table.
    pub label_heading: String,
    pub value_heading: String,
}

pub struct BarInput {
    pub label: String,
    pub value: f64,
    pub value_text: String,
    /// Hide the bar's length (a suppressed small count must not be readable from the drawing).
    pub hidden: bool,
    pub href: Option<String>,
}

const ROW: f64 = 34.0;
const BAR_SPACE: f64 = WIDTH - 70.0;

impl HBarChart {
    pub(crate) fn new(
        id: &str,
        title: String,
        desc: String,
        (label_heading, value_heading): (String, String),
        input: Vec<BarInput>,
    ) -> HBarChart {
        let max = input
            .iter()
            .filter(|b| !b.hidden)
            .map(|b| b.value)
            .fold(0.0_f64, f64::max);
        let bars = input
            .into_iter()
            .enumerate()
            .map(|(i, b)| HBar {
                w: if b.hidden || max <= 0.0 {
                    0.0
                } else {
                    (b.value.max(0.0) / max * BAR_SPACE).round()
                },
                y: i as f64 * ROW,
                label: b.label,
                value_text: b.value_text,
                marker: None,
                href: b.href,
            })
            .collect::<Vec<_>>();
        HBarChart {
            id: id.to_owned(),
            title,
            desc,
            height: (bars.len() as f64 * ROW).max(ROW),
            bars,
            label_heading,
            value_heading,
        }
    }

    /// Progress to target: bars are value/target, 100% at a fixed marker (values past it stay visible).
    pub(crate) fn progress(
        id: &str,
        title: String,
        desc: String,
        headings: (String, String),
        input: Vec<(String, f64, String)>,
    ) -> HBarChart {
        let full = BAR_SPACE * 0.8;
        let bars = input
            .into_iter()
            .enumerate()
            .map(|(i, (label, pct, text))| HBar {
                w: (pct.clamp(0.0, 125.0) / 100.0 * full).round(),
                y: i as f64 * ROW,
                label,
                value_text: text,
                marker: Some(full),
                href: None,
            })
            .collect::<Vec<_>>();
        HBarChart {
            id: id.to_owned(),
            title,
            desc,
            height: (bars.len() as f64 * ROW).max(ROW),
            bars,
            label_heading: headings.0,
            value_heading: headings.1,
        }
    }

    pub(crate) fn width(&self) -> f64 {
        WIDTH
    }
}

/// Vertical bars over time (one per month).
#[derive(Debug, Clone)]
pub struct VBarChart {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub bars: Vec<VBar>,
    pub label_heading: String,
    pub value_heading: String,
    /// Largest value, written on the axis.
    pub max_text: String,
}

#[derive(Debug, Clone)]
pub struct VBar {
    pub label: String,
    pub value_text: String,
    pub x: f64,
    pub y: f64,
    pub h: f64,
    pub w: f64,
}

pub const V_HEIGHT: f64 = 180.0;
const V_TOP: f64 = 18.0;
const V_BOTTOM: f64 = 150.0;

impl VBarChart {
    pub(crate) fn new(
        id: &str,
        title: String,
        desc: String,
        (label_heading, value_heading): (String, String),
        input: Vec<BarInput>,
        max_text: impl Fn(f64) -> String,
    ) -> VBarChart {
        let max = input
            .iter()
            .filter(|b| !b.hidden)
            .map(|b| b.value)
            .fold(0.0_f64, f64::max);
        let slot = WIDTH / input.len().max(1) as f64;
        let bars = input
            .into_iter()
            .enumerate()
            .map(|(i, b)| {
                let h = if b.hidden || max <= 0.0 {
                    0.0
                } else {
                    (b.value.max(0.0) / max * (V_BOTTOM - V_TOP)).round()
                };
                VBar {
                    x: (i as f64 * slot + slot * 0.15).round(),
                    w: (slot * 0.7).round(),
                    y: V_BOTTOM - h,
                    h,
                    label: b.label,
                    value_text: b.value_text,
                }
            })
            .collect();
        VBarChart {
            id: id.to_owned(),
            title,
            desc,
            bars,
            label_heading,
            value_heading,
            max_text: max_text(max),
        }
    }

    pub(crate) fn width(&self) -> f64 {
        WIDTH
    }

    pub(crate) fn height(&self) -> f64 {
        V_HEIGHT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(v: f64, hidden: bool) -> BarInput {
        BarInput {
            label: "x".into(),
            value: v,
            value_text: v.to_string(),
            hidden,
            href: None,
        }
    }

    #[test]
    fn longest_bar_fills_the_space_and_hidden_bars_have_no_length() {
        let c = HBarChart::new(
            "c",
            "t".into(),
            "d".into(),
            ("a".into(), "b".into()),
            vec![b(10.0, false), b(5.0, false), b(3.0, true)],
        );
        assert_eq!(c.bars[0].w, BAR_SPACE);
        assert_eq!(c.bars[1].w, (BAR_SPACE / 2.0).round());
        assert_eq!(c.bars[2].w, 0.0);
        let v = VBarChart::new(
            "v",
            "t".into(),
            "d".into(),
            ("a".into(), "b".into()),
            vec![b(0.0, false), b(4.0, false)],
            |m| m.to_string(),
        );
        assert_eq!(v.bars[0].h, 0.0);
        assert_eq!(v.bars[1].y, V_TOP);
    }
}

//! Bar charts drawn as SVG by the server (no JavaScript, no third-party
//! assets): the geometry is computed here and drawn by the breach page's
//! template, with the same numbers in a table for screen readers.

/// One bar.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value_text: String,
    /// Top of the bar, in SVG user units.
    pub y: u32,
    /// Width of the bar, in SVG user units.
    pub width: u32,
}

impl Bar {
    /// Baseline for the bar's texts.
    pub fn text_y(&self) -> u32 {
        self.y + BAR_HEIGHT - 6
    }

    /// Where the value is written, just right of the bar.
    pub fn value_x(&self) -> u32 {
        LABEL_WIDTH + self.width + 6
    }
}

/// A horizontal bar chart.
#[derive(Debug, Clone)]
pub struct BarChart {
    /// Unique within the page, for `aria-labelledby`.
    pub id: &'static str,
    pub title: String,
    pub bars: Vec<Bar>,
}

pub const LABEL_WIDTH: u32 = 190;
pub const BAR_AREA: u32 = 330;
pub const BAR_HEIGHT: u32 = 22;
const GAP: u32 = 8;
/// Most bars drawn; the rest are summed into one "other" bar.
pub const MAX_BARS: usize = 12;

impl BarChart {
    /// Bars for `items` (label, value), largest first; beyond [`MAX_BARS`]
    /// the smallest are summed under `other_label`.
    pub fn new(
        id: &'static str,
        title: String,
        mut items: Vec<(String, u64)>,
        other_label: &str,
        format: impl Fn(u64) -> String,
    ) -> BarChart {
        items.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        if items.len() > MAX_BARS {
            let rest: u64 = items[MAX_BARS - 1..].iter().map(|(_, v)| *v).sum();
            items.truncate(MAX_BARS - 1);
            items.push((other_label.to_owned(), rest));
        }
        let max = items.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
        let bars = items
            .into_iter()
            .enumerate()
            .map(|(i, (label, value))| {
                let width = (u128::from(value) * u128::from(BAR_AREA) / u128::from(max)) as u32;
                Bar {
                    label,
                    value_text: format(value),
                    y: (i as u32) * (BAR_HEIGHT + GAP),
                    width: width.max(u32::from(value > 0)),
                }
            })
            .collect();
        BarChart { id, title, bars }
    }

    pub fn is_empty(&self) -> bool {
        self.bars.is_empty()
    }

    /// Height of the drawing, in SVG user units.
    pub fn height(&self) -> u32 {
        (self.bars.len() as u32) * (BAR_HEIGHT + GAP)
    }

    /// Width of the drawing (labels, bars and room for the values).
    pub fn width(&self) -> u32 {
        LABEL_WIDTH + BAR_AREA + 110
    }

    pub fn label_width(&self) -> u32 {
        LABEL_WIDTH - 8
    }

    pub fn bar_x(&self) -> u32 {
        LABEL_WIDTH
    }

    pub fn bar_height(&self) -> u32 {
        BAR_HEIGHT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_fold_the_tail() {
        let items: Vec<(String, u64)> = (1..=20).map(|i| (format!("c{i}"), i * 10)).collect();
        let chart = BarChart::new("x", "t".into(), items, "other", |v| v.to_string());
        assert_eq!(chart.bars.len(), MAX_BARS);
        assert_eq!(chart.bars[0].label, "c20");
        let other = chart.bars.last().unwrap();
        assert_eq!(other.label, "other");
        // c1..=c9 summed: 10 * (1 + ... + 9), the largest bar, drawn full width.
        assert_eq!(other.value_text, "450");
        assert_eq!(other.width, BAR_AREA);
        assert_eq!(chart.bars[0].width, 200 * BAR_AREA / 450);
        assert_eq!(chart.height(), MAX_BARS as u32 * (BAR_HEIGHT + 8));
    }

    #[test]
    fn small_values_stay_visible_and_zero_is_empty() {
        let chart = BarChart::new(
            "x",
            "t".into(),
            vec![
                ("big".into(), 1_000_000),
                ("tiny".into(), 1),
                ("none".into(), 0),
            ],
            "other",
            |v| v.to_string(),
        );
        assert_eq!(chart.bars[1].width, 1);
        assert_eq!(chart.bars[2].width, 0);
    }
}

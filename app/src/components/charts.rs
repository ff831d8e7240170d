//! Charts drawn in the page as SVG, each with its numbers in a table beside it: the picture for the
//! eye, the table for screen readers and for copying (issue 23). No rules here: the scale comes
//! from `domain::reports::nice_scale`.

use crate::domain::reports::nice_scale;
use leptos::prelude::*;

/// One series of a chart: its name, the CSS class that colours it, a value per category.
#[derive(Clone)]
pub struct Series {
    pub name: &'static str,
    pub class: &'static str,
    pub values: Vec<i64>,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 10.0;
/// At most this many category names along the bottom; the rest are in the table.
const AXIS_LABELS: usize = 8;

/// Bars per category, the series side by side or stacked, with a legend and the table beside.
#[component]
pub fn BarChart(
    /// What the chart shows; names the picture and the table.
    title: &'static str,
    /// What a category is ("Period", "Age"): the head of the table's first column.
    category: &'static str,
    categories: Vec<String>,
    series: Vec<Series>,
    #[prop(optional)] stacked: bool,
    /// How a value reads in the table (minutes as hours, say); plain numbers by default.
    #[prop(optional)]
    format: Option<fn(i64) -> String>,
    /// The unit the scale rounds in (60 for minutes shown as hours); 1 by default.
    #[prop(optional)]
    unit: Option<i64>,
) -> impl IntoView {
    let format = format.unwrap_or(|v: i64| v.to_string());
    let n = categories.len().max(1);
    let per_category = |i: usize| series.iter().map(move |s| s.values.get(i).copied().unwrap_or(0).max(0));
    let max = (0..n).map(|i| if stacked { per_category(i).sum() } else { per_category(i).max().unwrap_or(0) }).max();
    let top = nice_scale(max.unwrap_or(0), unit.unwrap_or(1));
    let plot_w = WIDTH - LEFT;
    let plot_h = HEIGHT - BOTTOM - TOP;
    let band = plot_w / n as f64;
    let y = move |v: i64| TOP + plot_h - plot_h * v as f64 / top as f64;
    let mut bars = Vec::new();
    for i in 0..n {
        let x0 = LEFT + band * i as f64 + band * 0.1;
        let inner = band * 0.8;
        let mut base = 0;
        for (k, s) in series.iter().enumerate() {
            let v = s.values.get(i).copied().unwrap_or(0).max(0);
            let (x, w, from) = match stacked {
                true => (x0, inner, base),
                false => (x0 + inner / series.len() as f64 * k as f64, inner / series.len() as f64, 0),
            };
            let (y_top, y_bottom) = (y(from + v), y(from));
            if v > 0 {
                let tip = format!("{} · {}: {}", categories.get(i).cloned().unwrap_or_default(), s.name, format(v));
                bars.push(view! {
                    <rect class=format!("bar {}", s.class) x=format!("{x:.1}") y=format!("{y_top:.1}")
                        width=format!("{:.1}", (w - 1.0).max(1.0)) height=format!("{:.1}", y_bottom - y_top)>
                        <title>{tip}</title>
                    </rect>
                });
            }
            if stacked {
                base += v;
            }
        }
    }
    let every = n.div_ceil(AXIS_LABELS);
    let axis = categories
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, name)| {
            let x = LEFT + band * (i as f64 + 0.5);
            view! { <text class="axis" x=format!("{x:.1}") y=format!("{:.1}", HEIGHT - 8.0) text-anchor="middle">{name.clone()}</text> }
        })
        .collect_view();
    let grid = [0, top / 2, top]
        .into_iter()
        .map(|v| {
            let at = format!("{:.1}", y(v));
            view! {
                <line class="grid" x1=LEFT.to_string() x2=WIDTH.to_string() y1=at.clone() y2=at.clone()/>
                <text class="axis" x=(LEFT - 6.0).to_string() y=at text-anchor="end" dominant-baseline="middle">{format(v)}</text>
            }
        })
        .collect_view();
    let legend = series
        .iter()
        .map(|s| view! { <li><span class=format!("swatch {}", s.class) aria-hidden="true"></span>{s.name}</li> })
        .collect_view();
    let head = series.iter().map(|s| view! { <th scope="col" class="num">{s.name}</th> }).collect_view();
    let rows = categories
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let cells = series
                .iter()
                .map(|s| view! { <td class="num">{format(s.values.get(i).copied().unwrap_or(0))}</td> })
                .collect_view();
            view! { <tr><th scope="row">{name.clone()}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <div class="chart-picture">
                <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=format!("{title} (bar chart; the numbers are in the table)")>
                    {grid}
                    {bars}
                    {axis}
                </svg>
                <ul class="legend">{legend}</ul>
            </div>
            <div class="chart-table" tabindex="0" role="region" aria-label=format!("{title}: the numbers")>
                <table class="tickets compact">
                    <caption class="sr-only">{title}</caption>
                    <thead><tr><th scope="col">{category}</th>{head}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </figure>
    }
    .into_any()
}

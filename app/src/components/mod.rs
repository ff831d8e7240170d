//! UI pieces used by several pages. No rules here: only presentation.

pub mod charts;
pub mod files;
pub mod layout;
pub mod live;
pub mod suspend;
pub mod widgets;

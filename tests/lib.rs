//! Integration tests: one binary (see STYLE.md), a module per concern.

mod api;
mod errors;
mod events_table;
mod golden;
mod rules;
mod timex_table;

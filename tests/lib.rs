//! Integration tests: one binary (see STYLE.md), a module per concern.

mod adversarial;
mod api;
mod errors;
mod events_table;
mod golden;
mod props;
mod regression;
mod rules;
mod timex_table;

//! `kb import`: seed text to draft content.

//! What the SQL stores share about keeping records as JSON text, and how a backend's failure
//! becomes a [`StoreError`].

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{Result, StoreError};

pub(crate) fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

pub(crate) fn to_json(value: &impl Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(backend)
}

pub(crate) fn from_json<T: DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(backend)
}

pub(crate) fn from_json_all<T: DeserializeOwned>(texts: &[String]) -> Result<Vec<T>> {
    texts.iter().map(|text| from_json(text)).collect()
}

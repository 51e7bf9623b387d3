//! The engine's failures as Python exceptions, one class a caller can catch for each
//! (polars' `crates/polars-python/src/error.rs` is the model): every class derives from
//! `YibaoReconError`, so `except YibaoReconError` still catches them all. A path that does
//! not exist is Python's own `FileNotFoundError`, a bad option its `ValueError`.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(
    _native,
    YibaoReconError,
    PyException,
    "A run that cannot give an answer; the message says why, as `check` would."
);
create_exception!(
    _native,
    PolicyError,
    YibaoReconError,
    "The policy (a preset's name or a TOML text) cannot be used; the message names the key."
);
create_exception!(
    _native,
    NothingRecognisedError,
    YibaoReconError,
    "Nothing in the inputs was recognised as contributions, a statement or a roster; the message gives check's reasons for each input."
);
create_exception!(
    _native,
    InputError,
    YibaoReconError,
    "An input that exists could not be searched (a folder that cannot be listed); the message names it."
);
create_exception!(
    _native,
    PartError,
    YibaoReconError,
    "A part of a split run (the Spark job's stages) could not be read back or put together: its pieces come from another version of the package, or were damaged on the way."
);

/// A policy that cannot be loaded.
pub fn policy(e: impl std::fmt::Display) -> PyErr {
    PolicyError::new_err(e.to_string())
}

/// A run of which nothing was recognised.
pub fn nothing_recognised(e: impl std::fmt::Display) -> PyErr {
    NothingRecognisedError::new_err(e.to_string())
}

/// A folder or file that exists but cannot be searched.
pub fn input(e: impl std::fmt::Display) -> PyErr {
    InputError::new_err(e.to_string())
}

/// What cannot happen (the engine's own values that do not serialise): the base class.
pub fn internal(e: impl std::fmt::Display) -> PyErr {
    YibaoReconError::new_err(e.to_string())
}

/// A split run's piece that cannot be decoded, encoded or put together.
pub fn part(e: impl std::fmt::Display) -> PyErr {
    PartError::new_err(e.to_string())
}

/// Registers the classes in the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("YibaoReconError", py.get_type::<YibaoReconError>())?;
    m.add("PolicyError", py.get_type::<PolicyError>())?;
    m.add(
        "NothingRecognisedError",
        py.get_type::<NothingRecognisedError>(),
    )?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("PartError", py.get_type::<PartError>())?;
    Ok(())
}

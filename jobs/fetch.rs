//! Download of the public dumps (being written).

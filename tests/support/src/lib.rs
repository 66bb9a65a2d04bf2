//! Fixtures shared by the end-to-end tests and the benchmarks: real servers on 127.0.0.1 (SMTP, an SMS
//! gateway) and stores with the lake and model-run contracts' fixture files.

pub mod loopback;
pub mod sms_gateway;
pub mod smtp;
pub mod store;

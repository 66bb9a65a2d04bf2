//! Errors of the REST API as RFC 9457 problem details (`application/problem+json`), the JSON extractor that
//! names the field at fault, and the layer that turns the framework's bare error responses into problems.

use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

/// The media type of problem details.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem detail. `type` stays `about:blank` (the status says what kind of problem it is, and `title` is its
/// reason phrase); `field` is an extension member naming the input at fault.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    #[schema(example = "about:blank")]
    pub problem_type: &'static str,
    /// The HTTP reason phrase of `status`.
    #[schema(example = "Unprocessable Entity")]
    pub title: String,
    #[schema(example = 422)]
    pub status: u16,
    /// What went wrong and what to do, for people.
    #[schema(example = "likes[1]: no film matches \"Amelie Poulin\"; did you mean: Amélie (2001)?")]
    pub detail: String,
    /// The input at fault: a query parameter, or a path in the JSON body such as `likes[1]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "likes[1]")]
    pub field: Option<String>,
    /// For a page: what is wrong with `field`, without its name (shown beside the field).
    #[serde(skip)]
    pub reason: Option<String>,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            problem_type: "about:blank",
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            field: None,
            reason: None,
        }
    }

    /// A well-formed request whose `field` is not acceptable (422); the detail starts with the field's name.
    pub fn invalid(field: impl Into<String>, why: impl std::fmt::Display) -> Self {
        let field = field.into();
        let detail = format!("{field}: {why}");
        Self {
            field: Some(field),
            reason: Some(why.to_string()),
            ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, detail)
        }
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, detail)
    }

    /// A failure on our side: logged with its cause, shown without it (it may name files or the database).
    pub fn internal(err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "request failed");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "the server could not answer; the error is in its log")
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self).unwrap_or_default();
        (self.status(), [(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON))], body).into_response()
    }
}

impl From<cinepicks_store::StoreError> for Problem {
    fn from(err: cinepicks_store::StoreError) -> Self {
        Self::internal(err)
    }
}

/// A JSON request body, deserialised with the path of the first bad value: `likes[2]: invalid type…` becomes a
/// 422 naming `likes[2]`, a missing `token` a 422 naming `token`; a body that is not JSON at all is a 400, one of
/// another media type a 415, one over the size limit a 413.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                let v = v.trim();
                v.eq_ignore_ascii_case("application/json") || v.to_ascii_lowercase().ends_with("+json")
            });
        if !is_json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the body as JSON with the header Content-Type: application/json",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|rejection| {
            let status = rejection.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::new(status, "the request body is larger than this server accepts (serve.body_limit_bytes)")
            } else {
                Problem::new(status, format!("the request body could not be read: {rejection}"))
            }
        })?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize(&mut de) {
            Ok(value) => Ok(Self(value)),
            Err(err) => Err(json_problem(err)),
        }
    }
}

fn json_problem(err: serde_path_to_error::Error<serde_json::Error>) -> Problem {
    let path = err.path().to_string();
    let inner = err.into_inner();
    if inner.is_syntax() || inner.is_eof() {
        return Problem::new(StatusCode::BAD_REQUEST, format!("the body is not valid JSON: {inner}"));
    }
    // serde reports a missing or unknown field at the enclosing object: take its name from the message.
    let message = inner.to_string();
    let named = message.split('`').nth(1).filter(|_| message.contains("field `"));
    let field = match (path.as_str(), named) {
        (".", Some(name)) => name.to_owned(),
        (".", None) => "body".to_owned(),
        (path, Some(name)) if message.starts_with("missing field") => format!("{path}.{name}"),
        (path, _) => path.to_owned(),
    };
    let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
    Problem::invalid(field, message)
}

/// Middleware: on `/api`, an error response that is not already a problem (wrong method, timeout, body over the
/// limit from the tower layers) becomes one with the same status.
pub async fn ensure_problem(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    if !path.starts_with("/api/") {
        return response;
    }
    let status = response.status();
    let is_problem =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let detail = match status {
        StatusCode::NOT_FOUND => format!("no endpoint {path}; the endpoints are listed in /api/openapi.json"),
        StatusCode::METHOD_NOT_ALLOWED => format!("{path} does not accept {method}; see /api/openapi.json"),
        StatusCode::SERVICE_UNAVAILABLE => {
            "the request took too long and was stopped (serve.request_timeout_secs)".into()
        }
        StatusCode::PAYLOAD_TOO_LARGE => {
            "the request body is larger than this server accepts (serve.body_limit_bytes)".into()
        }
        other => other.canonical_reason().unwrap_or("error").to_owned(),
    };
    let mut problem = Problem::new(status, detail).into_response();
    // Keep headers such as `Allow` of a 405.
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            problem.headers_mut().insert(name.clone(), value.clone());
        }
    }
    problem
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        likes: Vec<String>,
        inner: Option<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        n: u32,
    }

    fn problem_of(json: &str) -> Problem {
        let mut de = serde_json::Deserializer::from_str(json);
        json_problem(serde_path_to_error::deserialize::<_, Body>(&mut de).unwrap_err())
    }

    #[test]
    fn json_errors_name_the_field_at_fault() {
        assert_eq!(problem_of(r#"{}"#).field.as_deref(), Some("likes"));
        assert_eq!(problem_of(r#"{"likes": ["a", 3]}"#).field.as_deref(), Some("likes[1]"));
        assert_eq!(problem_of(r#"{"likes": [], "oops": 1}"#).field.as_deref(), Some("oops"));
        assert_eq!(problem_of(r#"{"likes": [], "inner": {}}"#).field.as_deref(), Some("inner.n"));
        let syntax = problem_of(r#"{"likes": "#);
        assert_eq!((syntax.status, syntax.field), (400, None));
        let p = problem_of(r#"{"likes": ["a", 3]}"#);
        assert_eq!(p.status, 422);
        assert!(p.detail.starts_with("likes[1]: invalid type"), "{}", p.detail);
    }
}

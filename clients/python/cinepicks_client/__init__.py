"""Typed client for the cinepicks REST API (``/api/v1``), standard library only.

    from cinepicks_client import Client
    api = Client("http://127.0.0.1:8080", language="en")
    film = api.search("amelie").films[0]
    for pick in api.similar(film.id).similar:
        print(pick.film.title, "—", pick.reason)

Every error answer (RFC 9457 problem details) is raised as :class:`ApiError`, whose ``field`` names the input
at fault.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Dict, List, Optional, Type, TypeVar, get_args, get_origin, get_type_hints

__all__ = [
    "ApiError", "Client", "FilmSummary", "FilmDetails", "SearchResults", "ReasonedFilm", "SimilarFilms",
    "Recommendations", "Health", "Estimate", "Driver", "PopularityPrediction", "AudienceGroup", "FilmAudience",
    "SuggestedFilm", "Suggestions", "UnsubscribeOutcome",
]


class ApiError(Exception):
    """A problem answered by the API: HTTP status, title, detail and the input field at fault (if any)."""

    def __init__(self, status: int, title: str, detail: str, field: Optional[str] = None):
        super().__init__(f"{status} {title}: {detail}")
        self.status, self.title, self.detail, self.field = status, title, detail, field


@dataclass
class FilmSummary:
    id: str
    title: str
    page: str
    original_title: Optional[str] = None
    year: Optional[int] = None
    genres: List[str] = field(default_factory=list)
    rating: Optional[float] = None
    votes: Optional[int] = None
    poster_url: Optional[str] = None


@dataclass
class FilmDetails(FilmSummary):
    """A film's summary fields, and every other detail the store has."""

    primary_title: str = ""
    title_type: str = ""
    french_title: Optional[str] = None
    runtime_minutes: Optional[int] = None


@dataclass
class SearchResults:
    query: str
    match: str  # "found" (the first film is the one meant) or "suggestions"
    films: List[FilmSummary]


@dataclass
class ReasonedFilm:
    film: FilmSummary
    reason_kind: str
    reason: str


@dataclass
class SimilarFilms:
    film: FilmSummary
    similar: List[ReasonedFilm]


@dataclass
class Recommendations:
    liked: List[FilmSummary]
    picks: List[ReasonedFilm]


@dataclass
class Health:
    status: str
    films: int
    popularity_model: bool
    audience_model: bool
    active_run: Optional[str] = None


@dataclass
class Estimate:
    value: float
    low: float
    high: float


@dataclass
class Driver:
    feature: str
    description: str
    rating_effect: float
    audience_effect_percent: float


@dataclass
class PopularityPrediction:
    source: str
    rating: Estimate
    audience: Estimate
    reasons: List[Driver]
    unknown_people: List[str]
    ignored: List[str]


@dataclass
class AudienceGroup:
    age_band: str
    gender: str
    occupation: str
    users: int
    p_loved: float
    lift: float


@dataclass
class FilmAudience:
    film: str
    mean_p_loved: float
    groups: List[AudienceGroup]


@dataclass
class SuggestedFilm:
    title: str
    genres: List[str]
    loved_by: int
    loved_by_age_band: int
    p_loved: float
    ratings: int
    year: Optional[int] = None


@dataclass
class Suggestions:
    films: List[SuggestedFilm]


@dataclass
class SubscribeOutcome:
    status: str
    addresses: List[str]
    valid_days: int


@dataclass
class ConfirmOutcome:
    confirmed: bool
    changed: bool
    channel: str
    address: str


@dataclass
class UnsubscribeOutcome:
    unsubscribed: bool
    changed: bool
    channel: str
    address: str


@dataclass
class FeedbackRecorded:
    film: str
    kind: str
    changed: bool


T = TypeVar("T")


def _decode(kind: Any, value: Any) -> Any:
    """JSON value → the annotated type (dataclasses, lists and optionals; unknown keys are ignored)."""
    if value is None:
        return None
    origin = get_origin(kind)
    if origin is list:
        (item,) = get_args(kind)
        return [_decode(item, v) for v in value]
    if origin is not None and type(None) in get_args(kind):  # Optional[X]
        inner = next(a for a in get_args(kind) if a is not type(None))
        return _decode(inner, value)
    if is_dataclass(kind):
        hints = get_type_hints(kind)
        known = {f.name for f in fields(kind)}
        return kind(**{k: _decode(hints[k], v) for k, v in value.items() if k in known})
    return value


class Client:
    """The API of one cinepicks server. ``language``: "fr" or "en" (titles and reasons)."""

    def __init__(self, base_url: str, language: Optional[str] = None, timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self.language = language
        self.timeout = timeout

    def _call(self, kind: Type[T], method: str, path: str, query: Optional[Dict[str, Any]] = None,
              body: Optional[Dict[str, Any]] = None) -> T:
        query = {k: v for k, v in (query or {}).items() if v is not None}
        if self.language:
            query["lang"] = self.language
        url = f"{self.base_url}/api/v1{path}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method, headers={"Accept": "application/json"})
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return _decode(kind, json.load(answer))
        except urllib.error.HTTPError as error:
            try:
                problem = json.load(error)
            except ValueError:
                problem = {}
            raise ApiError(error.code, problem.get("title", error.reason), problem.get("detail", ""),
                           problem.get("field")) from None

    def health(self) -> Health:
        return self._call(Health, "GET", "/health")

    def search(self, q: str, limit: Optional[int] = None) -> SearchResults:
        return self._call(SearchResults, "GET", "/films/search", {"q": q, "limit": limit})

    def film(self, film_id: str) -> FilmDetails:
        return self._call(FilmDetails, "GET", f"/films/{urllib.parse.quote(film_id)}")

    def similar(self, film_id: str) -> SimilarFilms:
        return self._call(SimilarFilms, "GET", f"/films/{urllib.parse.quote(film_id)}/similar")

    def recommendations(self, likes: List[str], exclude: Optional[List[str]] = None,
                        genres: Optional[List[str]] = None) -> Recommendations:
        body = {"likes": likes, "exclude": exclude or [], "genres": genres or []}
        return self._call(Recommendations, "POST", "/recommendations", body=body)

    def predict(self, **traits: Any) -> PopularityPrediction:
        """Traits as in ``PredictionRequest``: genres, runtime, year, directors, actors, budget…"""
        return self._call(PopularityPrediction, "POST", "/popularity/predict", body=traits)

    def audience(self, title: str, n: Optional[int] = None) -> FilmAudience:
        return self._call(FilmAudience, "GET", "/audience", {"title": title, "n": n})

    def suggest(self, age: int, gender: str, occupation: str, n: Optional[int] = None) -> Suggestions:
        query = {"age": age, "gender": gender, "occupation": occupation, "n": n}
        return self._call(Suggestions, "GET", "/suggest", query)

    def subscribe(self, name: str, channels: List[str], email: Optional[str] = None, phone: Optional[str] = None,
                  likes: Optional[List[str]] = None, genres: Optional[List[str]] = None,
                  consent: bool = False) -> SubscribeOutcome:
        """Asks for the weekly picks; nothing but a confirmation message is sent until its link is followed.
        ``consent`` must be True: the person agreed to receive them on these channels."""
        body = {"name": name, "channels": channels, "email": email, "phone": phone, "likes": likes or [],
                "genres": genres or [], "consent": consent}
        return self._call(SubscribeOutcome, "POST", "/subscriptions", body=body)

    def confirm(self, token: str) -> ConfirmOutcome:
        """The token of the confirmation message's link (``…/subscribe/confirm?token=TOKEN``)."""
        return self._call(ConfirmOutcome, "POST", "/subscriptions/confirm", body={"token": token})

    def unsubscribe(self, token: str) -> UnsubscribeOutcome:
        return self._call(UnsubscribeOutcome, "POST", "/unsubscribe", body={"token": token})

    def feedback(self, token: str, film: str, kind: str) -> FeedbackRecorded:
        """A subscriber's verdict on a film: ``kind`` is ``like``, ``not_for_me`` or ``seen``; ``token`` is the one
        of the weekly e-mail's feedback links. The same verdict again changes nothing (``changed`` is False)."""
        return self._call(FeedbackRecorded, "POST", "/feedback", body={"token": token, "film": film, "kind": kind})

"""The Python client against a running cinepicks server (CINEPICKS_URL), started by tests/serve.rs on the
fixture store: typed answers, and problems raised with the field at fault."""

import os
import unittest

from cinepicks_client import ApiError, Client, FeedbackRecorded, FilmSummary, ReasonedFilm, SubscribeOutcome


class ClientTest(unittest.TestCase):
    def setUp(self):
        self.api = Client(os.environ["CINEPICKS_URL"], language="en")

    def test_health(self):
        health = self.api.health()
        self.assertEqual(health.status, "ok")
        self.assertGreater(health.films, 10)

    def test_search_finds_a_film_without_accents_and_details_it(self):
        found = self.api.search("le fabuleux destin d amelie poulain", limit=3)
        self.assertEqual(found.match, "found")
        self.assertIsInstance(found.films[0], FilmSummary)
        self.assertEqual(found.films[0].id, "tt0211915")
        details = self.api.film("tt0211915")
        self.assertEqual(details.year, 2001)
        self.assertIn("Comedy", details.genres)
        self.assertEqual(details.title_type, "movie")

    def test_similar_films_and_picks_come_with_reasons(self):
        similar = self.api.similar("tt0133093")
        self.assertEqual(len(similar.similar), 5)
        self.assertTrue(all(isinstance(p, ReasonedFilm) and p.reason for p in similar.similar))
        picks = self.api.recommendations(["Matrix", "tt0211915"])
        self.assertEqual(len(picks.picks), 5)
        self.assertEqual({f.id for f in picks.liked}, {"tt0133093", "tt0211915"})
        self.assertFalse({p.film.id for p in picks.picks} & {"tt0133093", "tt0211915"})

    def test_problems_name_the_field(self):
        with self.assertRaises(ApiError) as raised:
            self.api.search("x", limit=500)
        self.assertEqual((raised.exception.status, raised.exception.field), (422, "limit"))
        with self.assertRaises(ApiError) as raised:
            self.api.film("tt0000000")
        self.assertEqual(raised.exception.status, 404)
        with self.assertRaises(ApiError) as raised:
            self.api.predict(runtime=0)
        self.assertEqual((raised.exception.status, raised.exception.field), (422, "runtime"))

    def test_subscribing_sends_a_confirmation_and_needs_consent(self):
        sent = self.api.subscribe("Ana Client", ["email"], email="ana.client@example.org", likes=["tt0133093"],
                                  consent=True)
        self.assertIsInstance(sent, SubscribeOutcome)
        self.assertEqual((sent.status, sent.addresses, sent.valid_days),
                         ("confirmation_sent", ["a•••@example.org"], 7))
        with self.assertRaises(ApiError) as raised:
            self.api.subscribe("Ana Client", ["email"], email="ana.other@example.org")
        self.assertEqual((raised.exception.status, raised.exception.field), (422, "consent"))
        with self.assertRaises(ApiError) as raised:
            self.api.confirm("12.abc.0000")
        self.assertEqual((raised.exception.status, raised.exception.field), (422, "token"))

    def test_a_subscriber_gives_feedback_once_with_the_token_of_their_links(self):
        token = os.environ["CINEPICKS_FEEDBACK_TOKEN"]
        recorded = self.api.feedback(token, "tt0133093", "not_for_me")
        self.assertIsInstance(recorded, FeedbackRecorded)
        self.assertEqual((recorded.film, recorded.kind, recorded.changed), ("tt0133093", "not_for_me", True))
        self.assertFalse(self.api.feedback(token, "tt0133093", "not_for_me").changed)
        with self.assertRaises(ApiError) as raised:
            self.api.feedback(token + "0", "tt0133093", "like")
        self.assertEqual((raised.exception.status, raised.exception.field), (422, "token"))
        with self.assertRaises(ApiError) as raised:
            self.api.feedback(token, "tt0133093", "meh")
        self.assertEqual((raised.exception.status, raised.exception.field), (422, "kind"))


if __name__ == "__main__":
    unittest.main()

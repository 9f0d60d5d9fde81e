"""Alerts: the right chats hear about a new story once, with verbatim quotes, and never twice."""

import pytest

from retrieval.alerts.alerter import MAX_ATTEMPTS, MAX_SUBSCRIPTIONS, Alerter, Delivery
from retrieval.alerts.matching import BadTopic
from retrieval.alerts.store import SubscriptionNotFound, TooManySubscriptions
from retrieval.core.collection import Collection
from retrieval.news.store import open_feeds
from retrieval.text.documents import RawArticle
from tests.conftest import FAKE_ANSWER_CONFIG, ManualClock, OtherVariant

# The fake embedder's cosines run lower than the real model's (and its 0.55 default): on these
# texts a topic an article is about scores at least 0.5 and an unrelated one at most 0.3.
THRESHOLD = 0.4

RANSOM = (
    "Police arrests ransomware gang leaders in Rotterdam. The gang encrypted hospital records "
    "and demanded bitcoin. Investigators traced the payments through three exchanges. Europol "
    "coordinated the raids with Dutch officers. Four suspects appeared before a judge on "
    "Wednesday."
)
RANSOM_RETOLD = RANSOM.replace("Four suspects", "Five suspects").replace(
    "on Wednesday", "on Wednesday morning"
)
COUNCIL = (
    "Ransomware attack on a city council ends with police arrests. The attackers locked the "
    "council's email and payroll systems for a week. Officers detained two brothers who ran the "
    "scheme from a rented flat. The council restored its systems from backups without paying. "
    "Prosecutors will charge the brothers with extortion."
)
PHISHING = (
    "Bank customers targeted by phishing text messages. The messages claimed that accounts were "
    "blocked and linked to cloned login pages. Fraud teams at the banks noticed the surge in "
    "stolen cards. Nineteen people were detained in Madrid and Valencia. Customers should call "
    "their bank directly."
)
SATELLITE = (
    "Weather satellite launched from French Guiana. The satellite measures temperature and "
    "humidity across the atmosphere. Meteorologists expect better forecasts of severe storms. "
    "Engineers will test the instruments for six months. The first images will reach national "
    "weather services in spring."
)


def article(text: str, outlet: str = "wire", slug: str | None = None) -> RawArticle:
    """An article as an outlet publishes it, under the outlet's own URL."""
    slug = slug or "-".join(word.strip(".,'") for word in text.lower().split()[:3])
    return RawArticle(
        title=text.split(". ")[0],
        text=text,
        source=outlet.title(),
        published="2024-05-01",
        url=f"https://{outlet}.example/{slug}",
    )


def store(collection: Collection, *articles: RawArticle) -> list[int]:
    """Ingest articles; their ids, in order."""
    report = collection.ingest(articles)
    assert report.added == len(articles)
    return report.article_ids


def due(alerter: Alerter) -> dict[int, list[int]]:
    """The stories due in each chat, as chat id -> story ids."""
    return {d.chat_id: [s.article.id for s in d.stories] for d in alerter.deliveries()}


def sending_one(alerter: Alerter, collection: Collection) -> Delivery:
    """Chat 1 subscribed, the ransomware story stored and matched, its alert being sent."""
    alerter.subscribe(1, 10, "ransomware police arrests")
    store(collection, article(RANSOM))
    alerter.match_new()
    (delivery,) = alerter.deliveries()
    alerter.claim(delivery)
    return delivery


def test_subscribe_list_and_unsubscribe(alerter: Alerter, collection: Collection) -> None:
    ransom = alerter.subscribe(1, 10, "  ransomware   police ")
    phishing = alerter.subscribe(1, 10, "phishing bank -sms")
    other = alerter.subscribe(2, 20, "weather satellite")
    assert [s.topic for s in alerter.subscriptions(1)] == [
        "ransomware police",
        "phishing bank -sms",
    ]
    assert alerter.unsubscribe(1, ransom.id).topic == "ransomware police"
    assert [s.id for s in alerter.subscriptions(1)] == [phishing.id]
    with pytest.raises(SubscriptionNotFound):
        alerter.unsubscribe(1, ransom.id)
    with pytest.raises(SubscriptionNotFound):
        alerter.unsubscribe(1, other.id)  # another chat's subscription
    assert [s.id for s in alerter.subscriptions(2)] == [other.id]
    store(collection, article(RANSOM))
    alerter.match_new()
    assert due(alerter) == {}


@pytest.mark.parametrize("topic", ["-bitcoin -ransomware", "the of and", "   "])
def test_topic_without_words_is_refused(alerter: Alerter, topic: str) -> None:
    with pytest.raises(BadTopic):
        alerter.subscribe(1, 10, topic)
    assert alerter.subscriptions(1) == []


def test_a_chat_has_a_limited_number_of_subscriptions(alerter: Alerter) -> None:
    for n in range(MAX_SUBSCRIPTIONS):
        alerter.subscribe(1, 10, f"topic number {n}")
    with pytest.raises(TooManySubscriptions):
        alerter.subscribe(1, 10, "one more topic")
    assert len(alerter.subscriptions(1)) == MAX_SUBSCRIPTIONS
    alerter.subscribe(2, 20, "another chat is not limited by the first")


def test_excluded_word_keeps_an_article_out(alerter: Alerter, collection: Collection) -> None:
    alerter.subscribe(1, 10, "ransomware police -bitcoin")
    alerter.subscribe(2, 20, "ransomware police")
    ransom, council, _ = store(collection, article(RANSOM), article(COUNCIL), article(SATELLITE))
    alerter.match_new()
    assert due(alerter) == {1: [council], 2: [ransom, council]}


def test_one_alert_per_chat_and_story_however_many_subscriptions_match(
    alerter: Alerter, collection: Collection
) -> None:
    alerter.subscribe(1, 10, "ransomware police arrests")
    alerter.subscribe(1, 11, "police arrests")
    alerter.subscribe(2, 20, "police arrests")
    (ransom,) = store(collection, article(RANSOM))
    assert alerter.match_new() == 2
    deliveries = alerter.deliveries()
    assert [
        (d.chat_id, len(d.alert_ids), [s.article.id for s in d.stories]) for d in deliveries
    ] == [
        (1, 1, [ransom]),
        (2, 1, [ransom]),
    ]
    assert deliveries[0].stories[0].topic == "ransomware police arrests"
    assert alerter.match_new() == 0
    assert due(alerter) == {1: [ransom], 2: [ransom]}


def test_articles_stored_before_a_subscription_do_not_alert(
    alerter: Alerter, collection: Collection
) -> None:
    store(collection, article(RANSOM))
    alerter.subscribe(1, 10, "ransomware police arrests")
    assert alerter.match_new() == 0 and due(alerter) == {}
    (council,) = store(collection, article(COUNCIL))
    assert alerter.match_new() == 1 and due(alerter) == {1: [council]}


def test_unrelated_articles_do_not_alert(alerter: Alerter, collection: Collection) -> None:
    alerter.subscribe(1, 10, "ransomware police arrests")
    alerter.subscribe(2, 20, "football transfers")
    store(collection, article(PHISHING), article(SATELLITE))
    assert alerter.match_new() == 0 and due(alerter) == {}


def test_a_retold_story_joins_the_first_and_alerts_once(
    alerter: Alerter, collection: Collection
) -> None:
    alerter.subscribe(1, 10, "ransomware police arrests")
    first, retold, other = store(
        collection,
        article(RANSOM, "wire", "rotterdam-raids"),
        article(RANSOM_RETOLD, "courier", "dutch-ransomware-arrests"),
        article(COUNCIL, "gazette"),
    )
    assert alerter.match_new() == 2
    stories = {s.article.id: s for d in alerter.deliveries() for s in d.stories}
    assert sorted(stories) == [first, other]
    assert [(link.url, link.source) for link in stories[first].links] == [
        ("https://wire.example/rotterdam-raids", "Wire"),
        ("https://courier.example/dutch-ransomware-arrests", "Courier"),
    ]
    assert [link.article_id for link in stories[other].links] == [other]
    assert retold not in stories


def test_a_retold_story_after_the_alert_was_sent_does_not_alert_again(
    alerter: Alerter, collection: Collection
) -> None:
    delivery = sending_one(alerter, collection)
    alerter.delivered(delivery, message_id=500)
    store(collection, article(RANSOM_RETOLD, "courier"))
    assert alerter.match_new() == 0 and due(alerter) == {}


def test_feed_links_with_commas_are_listed_whole(alerter: Alerter, collection: Collection) -> None:
    alerter.subscribe(1, 10, "ransomware police arrests")
    url = "https://heise.example/news/Ransomware,Festnahmen-1234.html"
    (ransom,) = store(collection, article(RANSOM, "heise", "news/Ransomware,Festnahmen-1234.html"))
    feeds = open_feeds(collection.store)
    feed, _ = feeds.add("https://heise.example/rss")
    feeds.record_item(feed.id, "heise-1234", url, "hash", ransom)
    amp = url.replace("/news/", "/amp/")
    feeds.record_item(feed.id, "heise-1234-amp", amp, "hash2", ransom)
    alerter.match_new()
    (delivery,) = alerter.deliveries()
    assert [link.url for link in delivery.stories[0].links] == [url, amp]


def test_quotes_are_verbatim_spans_of_the_stored_article(
    alerter: Alerter, collection: Collection
) -> None:
    alerter.subscribe(1, 10, "ransomware police arrests")
    alerter.subscribe(2, 20, "phishing bank customers")
    store(collection, article(RANSOM), article(COUNCIL), article(PHISHING))
    alerter.match_new()
    stories = [story for delivery in alerter.deliveries() for story in delivery.stories]
    assert len(stories) == 3
    for story in stories:
        stored = collection.store.article(story.article.id)
        assert story.quotes
        for quote in story.quotes:
            assert stored.text[quote.start : quote.end] == quote.text
            assert (quote.article_id, quote.url) == (stored.id, stored.url)
            assert quote.text != f"{stored.title}."  # the headline, shown already, is not quoted
    assert any("gang" in quote.text for quote in stories[0].quotes)
    assert any("detained" in quote.text for quote in stories[2].quotes)


def test_quotes_follow_an_edited_article(alerter: Alerter, collection: Collection) -> None:
    alerter.subscribe(1, 10, "ransomware police arrests")
    (ransom,) = store(collection, article(RANSOM, slug="raids"))
    alerter.match_new()
    edited = "Update: a fifth suspect was arrested in Utrecht on Thursday. " + RANSOM
    report = collection.ingest([article(edited, slug="raids")])
    assert report.updated == 1
    (delivery,) = alerter.deliveries()
    stored = collection.store.article(ransom)
    assert stored.text == edited
    for quote in delivery.stories[0].quotes:
        assert stored.text[quote.start : quote.end] == quote.text


def test_failed_sends_back_off_then_give_up(
    alerter: Alerter, collection: Collection, clock: ManualClock
) -> None:
    delivery = sending_one(alerter, collection)
    alerter.failed(delivery, "network down")
    assert alerter.deliveries() == []
    clock.advance(seconds=29)
    assert alerter.deliveries() == []
    clock.advance(seconds=1)
    (delivery,) = alerter.deliveries()
    alerter.claim(delivery)
    alerter.failed(delivery, "network down")
    clock.advance(seconds=59)
    assert alerter.deliveries() == []
    clock.advance(seconds=1)
    (delivery,) = alerter.deliveries()
    alerter.claim(delivery)
    alerter.failed(delivery, "flood control", wait=5)
    clock.advance(seconds=5)
    attempts = 3
    while deliveries := alerter.deliveries():
        alerter.claim(deliveries[0])
        alerter.failed(deliveries[0], "network down")
        attempts += 1
        clock.advance(days=1)
    assert attempts == MAX_ATTEMPTS
    assert alerter.alerts.counts() == {"failed": 1}


def test_delivered_alerts_are_done(
    alerter: Alerter, collection: Collection, clock: ManualClock
) -> None:
    delivery = sending_one(alerter, collection)
    alerter.delivered(delivery, message_id=42)
    clock.advance(days=1)
    assert alerter.deliveries() == [] and alerter.alerts.counts() == {"sent": 1}


def test_a_gone_chat_is_paused_and_its_queue_dropped(
    alerter: Alerter, collection: Collection
) -> None:
    alerter.subscribe(1, 10, "ransomware police arrests")
    alerter.subscribe(1, 10, "phishing bank customers")
    alerter.subscribe(2, 20, "ransomware police arrests")
    (ransom,) = store(collection, article(RANSOM))
    alerter.match_new()
    gone = next(d for d in alerter.deliveries() if d.chat_id == 1)
    store(collection, article(PHISHING))
    assert alerter.match_new() == 1  # queued for chat 1 after its delivery was put together
    alerter.claim(gone)
    alerter.chat_gone(gone, "Forbidden: bot was blocked by the user")
    assert all(s.paused for s in alerter.subscriptions(1))
    assert not any(s.paused for s in alerter.subscriptions(2))
    assert due(alerter) == {2: [ransom]}
    assert alerter.alerts.counts() == {"dropped": 2, "pending": 1}
    (council,) = store(collection, article(COUNCIL))
    assert alerter.match_new() == 1 and due(alerter) == {2: [ransom, council]}


def test_paused_subscriptions_do_not_match_until_resumed(
    alerter: Alerter, collection: Collection
) -> None:
    alerter.subscribe(1, 10, "ransomware police arrests")
    alerter.subscribe(2, 20, "ransomware police arrests")
    store(collection, article(PHISHING))
    alerter.match_new()
    assert alerter.alerts.set_paused(1, True) == 1
    (ransom,) = store(collection, article(RANSOM))
    assert alerter.match_new() == 1 and due(alerter) == {2: [ransom]}
    assert alerter.resume(1) == 1
    (council,) = store(collection, article(COUNCIL))
    alerter.match_new()
    assert due(alerter) == {1: [council], 2: [ransom, council]}


def test_unsubscribing_drops_the_alerts_it_queued(alerter: Alerter, collection: Collection) -> None:
    subscription = alerter.subscribe(1, 10, "ransomware police arrests")
    store(collection, article(RANSOM))
    alerter.match_new()
    assert 1 in due(alerter)
    alerter.unsubscribe(1, subscription.id)
    assert due(alerter) == {}


def test_unsubscribing_keeps_alerts_another_topic_of_the_chat_wanted(
    alerter: Alerter, collection: Collection
) -> None:
    first = alerter.subscribe(1, 10, "ransomware police arrests")
    alerter.subscribe(1, 11, "police arrests")
    alerter.subscribe(1, 12, "satellite launch")
    (ransom,) = store(collection, article(RANSOM))
    alerter.match_new()
    alerter.unsubscribe(1, first.id)
    (delivery,) = alerter.deliveries()
    assert [s.article.id for s in delivery.stories] == [ransom]
    assert delivery.stories[0].topic == "police arrests"


def test_topics_embedded_by_another_model_variant_are_re_embedded_before_matching(
    collection: Collection, clock: ManualClock
) -> None:
    Alerter(collection, clock, threshold=THRESHOLD).subscribe(1, 10, "ransomware police arrests")
    other = Collection(collection.store, OtherVariant(), FAKE_ANSWER_CONFIG)
    alerter = Alerter(other, clock, threshold=THRESHOLD)
    store(other, article(RANSOM), article(SATELLITE))
    assert alerter.match_new() == 1
    (subscription,) = alerter.subscriptions(1)
    assert subscription.model == OtherVariant.name
    assert subscription.vector @ other.embedder.embed(["ransomware police arrests"])[0] > 0.999
    assert due(alerter) == {1: [1]}

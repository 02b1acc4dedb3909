"""SIMULATED shoppers for evaluating the personal feed (no real customer data involved).

The shop has no real interaction history yet, so recommendation quality is measured on a
population of simulated shoppers.  Each simulated shopper has hidden tastes:

* a gender (and accepts Unisex products),
* a few favourite article types with weights,
* a few favourite colours (neutrals are acceptable, other colours rarely chosen),
* a price band (log-normal around a personal centre price).

They shop in sessions: pick an article type from their tastes (or, with probability
``noise``, any type), view a few products sampled by "taste x popularity^popularity_bias",
sometimes re-view something seen before, add some to the cart and buy some of those, and
rate some of what they bought once it is delivered (1 to 5 stars, drawn from how well the
product matches their hidden taste, with noise: the verified buyers' reviews).
Every product also has a hidden popularity shared by all shoppers.  Everything is drawn
from one ``numpy`` generator seeded by ``SimulationConfig.seed``, so a run is reproducible.

The output is an events DataFrame in the shop's format (``user``, ``item``, ``event``,
``timestamp``) plus the hidden tastes, so tests can check that a model learned them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from ml.catalog.cleaning import clean_catalog
from ml.catalog.colours import NEUTRAL_COLOURS
from ml.catalog.demo import demo_price
from ml.catalog.schema import ARTICLE, COLOUR, GENDER, ID, MASTER, PRICE, UNISEX
from ml.recommend.events import STARS, rating_event

SIMULATION_START = pd.Timestamp("2024-01-01")


@dataclass(frozen=True)
class SimulationConfig:
    """Knobs of the simulated population (printed by the evaluation)."""

    n_shoppers: int = 4000
    seed: int = 7
    sessions_mean: float = 4.0  # sessions per shopper: 1 + Poisson(sessions_mean)
    views_mean: float = 3.0  # views per session: 1 + Poisson(views_mean)
    types_per_shopper: tuple[int, int] = (2, 5)  # favourite article types (min, max)
    colours_per_shopper: tuple[int, int] = (1, 3)  # favourite colours (min, max)
    noise: float = 0.1  # chance a session is about a random article type
    revisit: float = 0.15  # chance a view goes back to a product seen before
    popularity_sigma: float = 1.5  # spread of the hidden log-popularity of products
    popularity_bias: float = 0.7  # exponent on popularity when choosing what to view
    price_sigma: float = 0.35  # width of a shopper's price band (log scale)
    neutral_affinity: float = 0.5  # taste for neutral colours relative to favourites
    other_colour_affinity: float = 0.05  # taste for other colours
    cart_rate: float = 0.3  # chance a view of a well-liked product goes to the cart
    purchase_rate: float = 0.6  # chance a carted product is bought
    days: int = 90  # time span of the simulated activity
    rating_rate: float = 0.5  # chance a bought product is rated once delivered
    rating_noise: float = 0.8  # spread of a rating around what the taste says (in stars)
    delivery_days: tuple[float, float] = (2.0, 14.0)  # a rating comes this long after the purchase

    def describe(self) -> str:
        return ", ".join(f"{name}={value}" for name, value in asdict(self).items())


@dataclass
class Shopper:
    """The hidden tastes of one simulated shopper."""

    key: str
    gender: str
    article_types: dict[str, float]
    colours: list[str]
    price_centre: float
    seen: list[int] = field(default_factory=list)


class ShopperSimulation:
    """Generate SIMULATED shoppers and their events over a catalog (shop format)."""

    def __init__(self, catalog: pd.DataFrame, config: SimulationConfig | None = None):
        self.config = config or SimulationConfig()
        self.catalog = clean_catalog(catalog)
        self.rng = np.random.default_rng(self.config.seed)
        # Ratings draw from their own stream, so that the views, carts and purchases of a seed
        # are the same with or without them (the evaluation compares the two).
        self.rating_rng = np.random.default_rng([self.config.seed, 1])
        prices = self.catalog[PRICE].to_numpy(float, copy=True)
        missing = np.isnan(prices)
        unpriced = self.catalog[missing]
        prices[missing] = [demo_price(int(i), m) for i, m in zip(unpriced[ID], unpriced[MASTER], strict=True)]
        self.log_price = np.log(prices)
        self.popularity = np.exp(self.rng.normal(0, self.config.popularity_sigma, len(self.catalog)))
        self._pool_cache: dict[tuple[str, str], np.ndarray] = {}
        self._share_cache: dict[str, tuple[pd.Series, pd.Series]] = {}
        self.colour_code, colour_names = pd.factorize(self.catalog[COLOUR])
        self.colour_names = list(colour_names)
        self.rows_by_type = {
            t: np.asarray(rows) for t, rows in self.catalog.groupby(ARTICLE).indices.items()
        }
        self.all_types = np.array(sorted(self.rows_by_type))
        genders = self.catalog[GENDER]
        self.shopper_genders = genders[genders != UNISEX].value_counts(normalize=True)

    # ---- tastes --------------------------------------------------------------------

    def make_shopper(self, number: int) -> Shopper:
        rng, config = self.rng, self.config
        gender = str(rng.choice(self.shopper_genders.index, p=self.shopper_genders.to_numpy()))
        type_share, colour_share = self._shares(gender)
        n_types = min(
            len(type_share), rng.integers(config.types_per_shopper[0], config.types_per_shopper[1] + 1)
        )
        types = rng.choice(type_share.index, size=n_types, replace=False, p=type_share.to_numpy())
        weights = rng.dirichlet(np.ones(n_types))
        n_colours = min(
            len(colour_share), rng.integers(config.colours_per_shopper[0], config.colours_per_shopper[1] + 1)
        )
        colours = rng.choice(colour_share.index, size=n_colours, replace=False, p=colour_share.to_numpy())
        centre = rng.normal(np.median(self.log_price), 0.6)
        return Shopper(
            f"u:sim{number}", gender, dict(zip(types, weights, strict=True)), list(colours), float(centre)
        )

    def _shares(self, gender: str) -> tuple[pd.Series, pd.Series]:
        """How common each article type (flattened a little) and colour is for a gender."""
        if gender not in self._share_cache:
            mine = self.catalog[self.catalog[GENDER].isin([gender, UNISEX])]
            types = mine[ARTICLE].value_counts(normalize=True) ** 0.7
            colours = mine.loc[mine[COLOUR] != "", COLOUR].value_counts(normalize=True)
            self._share_cache[gender] = (types / types.sum(), colours / colours.sum())
        return self._share_cache[gender]

    def affinity(self, shopper: Shopper, rows: np.ndarray) -> np.ndarray:
        """How much ``shopper`` likes each product in ``rows`` (colour x price), before popularity."""
        config = self.config
        price = np.exp(-0.5 * ((self.log_price[rows] - shopper.price_centre) / config.price_sigma) ** 2)
        return self._colour_taste(shopper)[self.colour_code[rows]] * (0.05 + price)

    def _colour_taste(self, shopper: Shopper) -> np.ndarray:
        """Taste per colour code: favourites 1, neutrals ``neutral_affinity``, others low."""
        taste = np.full(len(self.colour_names), self.config.other_colour_affinity)
        for code, colour in enumerate(self.colour_names):
            if colour in shopper.colours:
                taste[code] = 1.0
            elif colour in NEUTRAL_COLOURS:
                taste[code] = self.config.neutral_affinity
        return taste

    # ---- behaviour -----------------------------------------------------------------

    def _pool(self, gender: str, article_type: str) -> np.ndarray:
        """Rows a shopper of ``gender`` may look at for ``article_type``."""
        key = (gender, article_type)
        if key not in self._pool_cache:
            rows = self.rows_by_type.get(article_type, np.empty(0, dtype=int))
            genders = self.catalog[GENDER].to_numpy()[rows]
            self._pool_cache[key] = rows[(genders == gender) | (genders == UNISEX)]
        return self._pool_cache[key]

    def shop(self, shopper: Shopper) -> list[tuple[str, int, str, float]]:
        """One shopper's sessions, as ``(user, product id, event, seconds since start)``."""
        rng, config = self.rng, self.config
        ids = self.catalog[ID].to_numpy()
        types, weights = list(shopper.article_types), np.array(list(shopper.article_types.values()))
        n_sessions = 1 + rng.poisson(config.sessions_mean)
        starts = np.sort(rng.uniform(0, config.days * 86400, size=n_sessions))
        events = []
        for start in starts:
            if rng.random() < config.noise:
                article_type = rng.choice(self.all_types)
            else:
                article_type = rng.choice(types, p=weights)
            pool = self._pool(shopper.gender, article_type)
            if pool.size == 0:
                continue
            taste = self.affinity(shopper, pool)
            chance = taste * self.popularity[pool] ** config.popularity_bias
            chance /= chance.sum()
            n_views = min(pool.size, 1 + rng.poisson(config.views_mean))
            viewed = list(rng.choice(pool, size=n_views, replace=False, p=chance))
            if shopper.seen and rng.random() < config.revisit:
                viewed.insert(0, shopper.seen[rng.integers(len(shopper.seen))])
            clock = start
            best = taste.max()
            liking = dict(zip(pool.tolist(), (taste / best).tolist(), strict=True))
            for row in viewed:
                clock += rng.uniform(20, 300)
                events.append((shopper.key, int(ids[row]), "view", clock))
                shopper.seen.append(int(row))
                # a re-viewed product may come from another article type than this session's
                liked = liking.get(int(row)) or float(self.affinity(shopper, np.array([row]))[0] / best)
                if rng.random() < config.cart_rate * liked:
                    clock += rng.uniform(10, 120)
                    events.append((shopper.key, int(ids[row]), "cart", clock))
                    if rng.random() < config.purchase_rate:
                        clock += rng.uniform(30, 600)
                        events.append((shopper.key, int(ids[row]), "purchase", clock))
                        events += self._rating(shopper, int(ids[row]), liked, clock)
        return events

    def _rating(self, shopper: Shopper, product_id: int, liked: float, bought_at: float) -> list:
        """The shopper's rating of a product they bought (none, ``1 - rating_rate`` of the
        time): 1 star for a product far from their taste, 5 for one that matches it."""
        rng, config = self.rating_rng, self.config
        if rng.random() >= config.rating_rate:
            return []
        low, high = STARS[0], STARS[-1]
        drawn = low + (high - low) * liked + rng.normal(0, config.rating_noise)
        stars = int(np.clip(round(drawn), low, high))
        rated_at = bought_at + rng.uniform(*config.delivery_days) * 86400
        return [(shopper.key, product_id, rating_event(stars), rated_at)]

    def run(self) -> tuple[pd.DataFrame, list[Shopper]]:
        """(events, shoppers) for ``config.n_shoppers`` SIMULATED shoppers."""
        shoppers, rows = [], []
        for number in range(self.config.n_shoppers):
            shopper = self.make_shopper(number)
            shoppers.append(shopper)
            rows += self.shop(shopper)
        events = pd.DataFrame(rows, columns=["user", "item", "event", "seconds"])
        events["timestamp"] = SIMULATION_START + pd.to_timedelta(events.pop("seconds"), unit="s")
        return events.sort_values(["user", "timestamp"], kind="stable").reset_index(drop=True), shoppers


def simulate_shoppers(catalog: pd.DataFrame, config: SimulationConfig | None = None):
    """Shortcut: ``(events, shoppers)`` of a SIMULATED population over ``catalog``."""
    return ShopperSimulation(catalog, config).run()

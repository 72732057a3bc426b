"""The one data model. Loader, checks, JSON Schema, templates and contributor docs all derive from it.

Every field carries a `description` (shown in editors and in the generated field reference) and,
where it helps, `examples` taken from a real case.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

from pydantic import BaseModel, ConfigDict, Field, RootModel

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
EN_FROM_PATTERN = r"^[0-9a-f]{8}$"

Id = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        description="An id: lowercase ASCII letters, digits and single dashes.",
        examples=["screen-sharing"],
    ),
]
Amount = Annotated[
    int,
    Field(
        ge=0,
        le=100_000_000,
        description="A whole number of yuan (CNY), digits only: write 100000, not 10万.",
        examples=[3800],
    ),
]
PhoneNumber = Annotated[
    str,
    Field(
        pattern=r"^[0-9+][0-9 -]{2,19}$",
        description="A public phone number exactly as reported, digits with optional dashes.",
        examples=["95118", "400-606-5500"],
    ),
]
CheckerPhrase = Annotated[
    str,
    Field(
        min_length=2,
        max_length=200,
        description="Words the checker looks for: spaces between words that must appear in order, slashes between alternatives.",
        examples=["注销/取消/关闭 白条/金条"],
    ),
]
PartialDate = Annotated[
    str,
    Field(
        pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
        description="A date as precise as the source gives it: YYYY, YYYY-MM or YYYY-MM-DD.",
        examples=["2020-10-11", "2022-05"],
    ),
]


def Ref(vocabulary: str, description: str = "", **kwargs):
    """A field that holds ids of entries in data/<vocabulary>.yml; the checker verifies they exist."""
    return Field(
        description=(description + " " if description else "") + f"Ids from data/{vocabulary}.yml.",
        json_schema_extra={"references": vocabulary},
        **kwargs,
    )


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, frozen=True)


class Text(Strict):
    """A human-readable text in Chinese (required) and English (a missing English text is a warning).

    `en_from` records which Chinese text the English translates, so that `fanzha i18n` can tell when it is outdated."""

    zh: str = Field(min_length=1, description="The text in Simplified Chinese.")
    en: Optional[str] = Field(
        default=None, min_length=1, description="The same text in English, written naturally, not word for word."
    )
    en_from: Optional[str] = Field(
        default=None,
        pattern=EN_FROM_PATTERN,
        description="Which Chinese text the English was written from: the first 8 hex digits of the SHA-256 of the "
        "stripped `zh` text. Written by `fanzha i18n --stamp`; when `zh` changes, `fanzha i18n` reports the English as outdated.",
        examples=["3f2a9c01"],
    )


class Speaker(str, Enum):
    scammer = "scammer"
    victim = "victim"
    narrator = "narrator"


class Outcome(str, Enum):
    lost = "lost"
    partly_recovered = "partly_recovered"
    averted = "averted"


class Gender(str, Enum):
    female = "female"
    male = "male"


class MoneyStepKind(str, Enum):
    loan = "loan"  # borrowed from a loan app or bank in the victim's own name
    cash_advance = "cash_advance"  # drew a credit line such as 支付宝备用金
    payment = "payment"  # money sent to the scammers: only these count towards the loss


class ChannelKind(str, Enum):
    phone = "phone"
    sms = "sms"
    chat = "chat"
    meeting_app = "meeting_app"
    app = "app"
    qr_code = "qr_code"
    link = "link"
    email = "email"


class PlatformKind(str, Enum):
    shopping = "shopping"
    finance = "finance"
    payment = "payment"
    bank = "bank"
    video = "video"
    regulator = "regulator"
    courier = "courier"


class SourceKind(str, Enum):
    report = "report"  # a published article: police, platform, newspaper
    editorial = "editorial"  # the casebook's own advice: pages label it, it never backs a reported fact


class AdviceKind(str, Enum):
    action = "action"
    hotline = "hotline"
    rule = "rule"


# ---------------------------------------------------------------- vocabularies (data/*.yml)


class Source(Strict):
    """A published article that facts on the site come from, or (kind editorial) the casebook's own advice."""

    kind: SourceKind = Field(
        default=SourceKind.report,
        description="report (a published article; the default) or editorial (the casebook's own general advice, "
        "shown on pages as 本站建议，非引自报道 / Casebook advice, not from a cited report). An editorial source "
        "never backs a case, a fact, a script or a platform's numbers, and is never listed beside reports.",
    )
    publisher: Text = Field(description="Who published it (police unit, company, newspaper).")
    title: Text = Field(description="The article's title; `zh` as published, `en` a translation.")
    date: Optional[PartialDate] = Field(default=None, description="Publication date, if the source gives one.")
    repost: bool = Field(
        default=False, description="true when the copy we have is a repost and `date` is the repost's date, not the original's."
    )
    url: Optional[str] = Field(default=None, description="Web address (http or https), when known.")
    note: Optional[Text] = Field(default=None, description="Anything a reader should know about the source.")


class Stage(Strict):
    """One step of how a scam type unfolds."""

    id: Id = Field(description="Stage id, unique within its scam type.", examples=["impersonate"])
    name: Text = Field(description="Short name of the stage.")
    description: Text = Field(description="What happens in this stage.")


class Turn(Strict):
    """One line of a scam's script."""

    speaker: Speaker = Field(description="scammer, victim or narrator (what happens between the lines).")
    stage: Optional[Id] = Field(default=None, description="The id of the scam type's stage this turn belongs to.")
    text: Text = Field(description="What was said or done. Short quotes of scammers may stand as quotes.")
    red_flags: list[Id] = Ref("red_flags", "The red flags this turn shows; required for scammer turns.", default_factory=list)


class Script(Strict):
    """A typical script of a scam type, as a source tells it."""

    id: Id = Field(description="Script id, unique within its scam type.", examples=["jilin-six-steps"])
    title: Text = Field(description="A short title for the script.")
    source: Id = Ref("sources", "Where the script comes from.")
    turns: list[Turn] = Field(min_length=1, description="The script line by line, in order.")
    why_it_works: list[Text] = Field(default_factory=list, description="Why people fall for it, as the source explains it.")
    how_to_spot: list[Text] = Field(default_factory=list, description="How to see through it, as the source says.")
    facts: list[Id] = Ref(
        "facts", "Facts this script's texts restate; when another source disputes one (`contradicts`), the page shows both.",
        default_factory=list,
    )
    note: Optional[Text] = Field(
        default=None, description="What a reader should know about how the source tells it, e.g. where it contradicts itself."
    )


class ScamType(Strict):
    """A kind of fake customer-service scam, with its stages and typical scripts."""

    name: Text = Field(description="The scam's name as people know it.")
    summary: Text = Field(description="How it works, in two or three sentences.")
    stages: list[Stage] = Field(min_length=1, description="How the scam unfolds, in order.")
    red_flags: list[Id] = Ref("red_flags", "Its typical red flags.", default_factory=list)
    advice: list[Id] = Ref("advice", "Official advice that applies.", default_factory=list)
    sources: list[Id] = Ref("sources", "Where the description comes from.", min_length=1)
    typical_scripts: list[Script] = Field(default_factory=list, description="Typical scripts as sources tell them.")


class Platform(Strict):
    """A platform or institution whose staff scammers pretend to be."""

    name: Text = Field(description="The platform's name.")
    kind: PlatformKind = Field(description="What kind of platform or institution it is.")
    official_channels: list[Text] = Field(
        default_factory=list, description="How to reach the real customer service (app menus, websites)."
    )
    official_numbers: list[PhoneNumber] = Field(
        default_factory=list,
        description="Its real public service numbers, only when a cited source names them as official. Pages add that "
        "caller ID can be faked: a number on the screen never proves a call is genuine.",
    )
    spoofed_numbers: list[PhoneNumber] = Field(
        default_factory=list,
        description="Numbers that scam calls posing as it showed on victims' phones, as a cited source reports them.",
    )
    sources: list[Id] = Ref("sources", "Where its channels and numbers come from.", min_length=1)


class Channel(Strict):
    """A contact channel or tool scammers use."""

    name: Text = Field(description="The channel's or tool's name.")
    kind: ChannelKind = Field(description="What kind of channel it is.")
    description: Text = Field(description="What it is and how scammers use it.")
    sources: list[Id] = Ref("sources", "Where it is reported.", min_length=1)


class RedFlag(Strict):
    """A warning sign: what scammers say, why it is a lie, and what to do."""

    name: Text = Field(description="Short name of the warning sign.")
    phrases: list[Text] = Field(min_length=1, description="What scammers actually say (short quotes).")
    checker_phrases: list[CheckerPhrase] = Field(
        default_factory=list,
        description="Words the checker page looks for in what a reader pastes, in Chinese or English. Words separated by "
        "spaces must appear in this order, close together; a slash gives alternatives: `注销/取消/关闭 白条/金条`. Case, "
        "width, punctuation and traditional characters do not matter. Every scammer line naming this flag must contain "
        "one of them (FZ304).",
        examples=[["注销/取消/关闭 白条/金条", "cancel/close baitiao/jintiao"]],
    )
    question: Optional[Text] = Field(
        default=None,
        description="A yes/no question for the self-check page, asked of someone who just had the call "
        "(“对方是不是让你下载会议软件？”); flags without one are not asked.",
    )
    why_false: Text = Field(description="Why it is a lie, as the sources in `why_false_sources` say it.")
    why_false_sources: list[Id] = Ref("sources", "Where `why_false` comes from (the editorial source for the casebook's own reasoning).", min_length=1)
    what_to_do: Text = Field(description="What to do when you hear it.")
    what_to_do_sources: list[Id] = Ref("sources", "Where `what_to_do` comes from (the editorial source for the casebook's own advice).", min_length=1)
    sources: list[Id] = Ref("sources", "Where the phrases are reported.", min_length=1)
    facts: list[Id] = Ref(
        "facts", "Facts its texts restate; when another source disputes one (`contradicts`), the page shows both.",
        default_factory=list,
    )


class Statement(Strict):
    """Something a platform's real customer service will never say."""

    id: Id = Field(description="Statement id, unique within its platform.", examples=["reads-your-id-number"])
    summary: Text = Field(description="The kind of statement, in one line.")
    phrases: list[Text] = Field(min_length=1, description="Examples of how scammers say it.")
    explanation: Text = Field(description="Why the real service never says it.")
    red_flags: list[Id] = Ref("red_flags", "The red flags this statement is an instance of.", default_factory=list)
    source: Id = Ref("sources", "Where it is reported.")
    facts: list[Id] = Ref(
        "facts", "Facts it restates; when another source disputes one (`contradicts`), the page shows both.",
        default_factory=list,
    )


class Sourced(Strict):
    """A text with the source it comes from."""

    text: Text = Field(description="The text.")
    source: Id = Ref("sources", "Where it comes from.")
    facts: list[Id] = Ref(
        "facts", "Facts it restates; when another source disputes one (`contradicts`), the page shows both.",
        default_factory=list,
    )


class NeverSay(Strict):
    """Per platform: what its real customer service will never say, what it would say, how to verify."""

    statements: list[Statement] = Field(min_length=1, description="What its real customer service never says.")
    real_agent_says: list[Sourced] = Field(default_factory=list, description="What its real customer service does say.")
    how_to_verify: list[Sourced] = Field(default_factory=list, description="How to check that a contact is genuine.")


class Advice(Strict):
    """Official advice, a hotline, or a police "if … it is a scam" rule; or the casebook's own advice (editorial source)."""

    kind: AdviceKind = Field(description="action (what to do), hotline (a number to call) or rule (if … it is a scam).")
    text: Text = Field(description="The advice in our own words, saying what the source says (check with `fanzha copycheck`).")
    number: Optional[PhoneNumber] = Field(default=None, description="For hotlines: the number to call.")
    source: Id = Ref("sources", "Where it comes from; the editorial source for the casebook's own advice.")
    facts: list[Id] = Ref(
        "facts", "Facts it restates; when another source disputes one (`contradicts`), the page shows both.",
        default_factory=list,
    )


class Fact(Strict):
    """A figure or statement from a source that pages quote (e.g. shares of reported cases)."""

    text: Text = Field(description="The figure or statement, as the source gives it.")
    source: Id = Ref("sources", "Where it comes from.")
    contradicts: list[Id] = Ref("facts", "Facts from other sources that disagree; both are shown.", default_factory=list)


# ---------------------------------------------------------------- cases (cases/*.yml)


class Victim(Strict):
    """The victim as reported. Never a full name, ID, phone or bank number."""

    label: Text = Field(
        description="How the source names the person: a surname form such as 曹女士, 小张, 施某.",
        examples=[{"zh": "蒋女士", "en": "Ms Jiang"}],
    )
    gender: Optional[Gender] = Field(default=None, description="female or male, if reported.")
    age: Optional[int] = Field(default=None, ge=0, le=120, description="Age in years, if reported.")
    occupation: Optional[Text] = Field(default=None, description="Occupation, if reported.")
    student: Optional[bool] = Field(default=None, description="true if reported as a student.")
    education: Optional[Text] = Field(default=None, description="Education, if reported.")


class MoneyStep(Strict):
    """One movement of money: a loan taken, a cash advance drawn, or a payment to the scammers."""

    kind: MoneyStepKind = Field(description="loan, cash_advance or payment (only payments count towards the loss).")
    account: Text = Field(description="From which app or account, e.g. 微粒贷, 手机银行.")
    amount_cny: Optional[Amount] = Field(default=None, description="Amount in yuan; leave out when not reported.")
    note: Optional[Text] = Field(default=None, description="Anything else the source says about this step.")


class Loss(Strict):
    """What the case cost the victim."""

    amount_cny: Optional[Amount] = Field(
        default=None, description="Total lost in yuan; leave out when the source does not say."
    )
    approximate: bool = Field(default=False, description="true when the source says 余/多/约 (e.g. 10万余元).")
    outcome: Outcome = Field(description="lost, partly_recovered (some money came back) or averted (stopped in time).")
    recovered_cny: Optional[Amount] = Field(default=None, description="Yuan recovered, if the source says.")


class CaseRedFlag(Strict):
    """A red flag the case shows."""

    flag: Id = Ref("red_flags", "The red flag.")
    note: Optional[Text] = Field(default=None, description="How the flag showed in this case.")


class Case(Strict):
    """One reported case. The file name (without .yml) is its id."""

    title: Text = Field(description="One line: who posed as whom, the story told, the outcome.")
    summary: Text = Field(description="Two or three sentences; used as the page's description.")
    date: Optional[PartialDate] = Field(default=None, description="When it happened, as reported.")
    place: Optional[Text] = Field(default=None, description="Where, as reported (city, district).")
    sources: list[Id] = Ref("sources", "Where the case is reported.", min_length=1)
    scam_type: Id = Ref("scam_types", "The kind of scam.")
    platforms: list[Id] = Ref(
        "platforms", "Platforms impersonated, or whose services the scam used (支付宝 when the victim drew 备用金).",
        default_factory=list,
    )
    channels: list[Id] = Ref("channels", "Contact channels and tools used.", default_factory=list)
    spoofed_numbers: list[PhoneNumber] = Field(
        default_factory=list, description="Public numbers the calls showed, as reported (e.g. 95118)."
    )
    victim: Victim = Field(description="The victim, as the source names them.")
    script: list[Turn] = Field(default_factory=list, description="What was said and done, in order.")
    money_flow: list[MoneyStep] = Field(default_factory=list, description="Loans, cash advances and payments, in order.")
    loss: Loss = Field(description="What was lost, and the outcome.")
    red_flags: list[CaseRedFlag] = Field(default_factory=list, description="The red flags the case shows.")
    advice: list[Id] = Ref("advice", "Official advice given with the case.", default_factory=list)


# Each file kind: where it lives, its model, and whether it is one record or a mapping id -> record.
def keyed(model: type[BaseModel]) -> type[RootModel]:
    return RootModel[dict[Id, model]]  # type: ignore[valid-type]


VOCABULARIES: dict[str, type[BaseModel]] = {
    "sources": Source,
    "scam_types": ScamType,
    "platforms": Platform,
    "channels": Channel,
    "red_flags": RedFlag,
    "never_say": NeverSay,
    "advice": Advice,
    "facts": Fact,
}

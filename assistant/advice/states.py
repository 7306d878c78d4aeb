"""The learner states of domain.md §6, as the advice names them, and the one question asked in several places."""

IN_LEARNING = "in learning"
WAITING = "learning finished, waiting for an event"
EVENT = "event happened (M2 due)"
OUTCOME = "positive outcome (M3 due)"
SIX_MONTHS = "no outcome within six months"
WITHDRAWN = "withdrawn"
BREAK = "break in learning"

OFFER_DATE_Q = ("On what date did the event happen? For an interview, give the date the interview was formally "
                "OFFERED, not the day of the interview itself.")

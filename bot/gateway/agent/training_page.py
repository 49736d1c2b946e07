"""The trainers' page (issue 15): the review inbox as a table to filter, read in context and
settle, served by the gateway at `/agent/training` like the console and the dashboard
(bot/gateway/pages.py). The page itself is public; everything it shows comes from the review
API (bot/gateway/agent/review.py), which asks for the trainer's or supervisor's role."""
from __future__ import annotations

from pathlib import Path

from bot.gateway.pages import StaticPage

TRAINING_DIR = Path(__file__).with_name("training")
TRAINING = StaticPage(TRAINING_DIR, ("training.js", "training.css"))
page = TRAINING.page
static_file = TRAINING.static_file

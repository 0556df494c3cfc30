"""The web pages' entry: a login page (the pages for reporters, coordinators and admins build on it)."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template_string, request, url_for

from core.accounts.auth import login_session, logout_session
from core.accounts.service import authenticate
from core.tenancy import current_session

blp = Blueprint("web", __name__)

PAGE = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>est – Effektiv samordning för trygghet</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin:.6rem 0 .2rem}input{width:100%;padding:.5rem}button{margin-top:1rem;padding:.5rem 1rem}
.fel{color:#a00}</style></head><body>
<h1>est</h1><p>Effektiv samordning för trygghet</p>
{% if user %}
  <p>Inloggad som <strong>{{ user.email }}</strong>.</p>
  <p><a href="/api/v1/docs">API-dokumentation</a></p>
  <form method="post" action="{{ url_for('web.logout') }}"><button>Logga ut</button></form>
{% else %}
  {% if error %}<p class="fel" role="alert">{{ error }}</p>{% endif %}
  <form method="post" action="{{ url_for('web.login') }}">
    <label for="email">E-post</label><input id="email" name="email" type="email" autocomplete="username" required>
    <label for="password">Lösenord</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <button type="submit">Logga in</button>
  </form>
{% endif %}
</body></html>"""


@blp.route("/")
def index():
    return render_template_string(PAGE, user=g.get("user"), error=None)


@blp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template_string(PAGE, user=g.get("user"), error=None)
    user = authenticate(current_session(), request.form.get("email", ""), request.form.get("password", ""))
    if user is None:
        return render_template_string(PAGE, user=None, error="Fel e-postadress eller lösenord."), 401
    current_session().commit()
    login_session(user)
    return redirect(url_for("web.index"))


@blp.route("/logout", methods=["POST"])
def logout():
    logout_session()
    return redirect(url_for("web.index"))

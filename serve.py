"""Start Pantau: ``streamlit run serve.py`` (``make run``).

Serves ``app.py`` (the Streamlit app) through ``st.App`` with the sign-in session's cookie route
and the middleware that lets downloads and uploads through only with a valid session cookie
(``ui/web.py``). ``streamlit run app.py`` alone starts the app without them: it then refuses to
sign anyone in and says to start it with ``make run``. ``PANTAU_TIMING_LOG=FILE`` logs the time of
every script run (``ui.web.install_timing_log``; off by default).
"""

import streamlit as st

from ui.web import install_timing_log, middleware, routes

install_timing_log()

app = st.App("app.py", routes=routes(), middleware=middleware())

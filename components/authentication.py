"""Where the apps' sign-in lives: NextAuth runs in the web app, its pages under /auth/ and its routes under
/api/auth/ (the Sentinel guide). One fact, read by the workloads (every app's `NEXTAUTH_URL` is that app's URL)
and by the edge (the stricter authentication rate limit guards that app's host), so the two cannot drift.
"""

from __future__ import annotations

AUTHENTICATION_APP = "web"

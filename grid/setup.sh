#!/usr/bin/env bash
# Installs what grid-run needs outside npm: Debian's Chromium and ChromeDriver and a Java 17+
# runtime for the Selenium server (and python3-junitparser for the tests). On Debian as root it installs what is missing; elsewhere it
# prints exactly what to install.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
# The tests read grid-run's JUnit files with a real JUnit consumer, Debian's junitparser.
/usr/bin/python3 -c 'import junitparser' >/dev/null 2>&1 || missing+=(python3-junitparser)
if ! command -v java >/dev/null 2>&1 || ! java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])'; then
  missing+=(default-jre-headless)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "grid-run setup: chromium, chromium-driver, Java 17+ and python3-junitparser are present"
  exit 0
fi

if [ -f /etc/debian_version ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "grid-run setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  echo "grid-run setup: done"
else
  echo "grid-run setup: missing ${missing[*]}" >&2
  echo "  On Debian/Ubuntu, as root: apt-get install ${missing[*]}" >&2
  echo "  Elsewhere: Chromium at /usr/bin/chromium, its ChromeDriver at /usr/bin/chromedriver, and a Java 17+ runtime on PATH." >&2
  exit 1
fi

# Schemathesis (PyPI) against the running API's own OpenAPI document:
# generated and fuzzed requests to every operation, every check on; a 5xx
# or a response that does not match the schema fails the suite.

SCHEMATHESIS_VERSION=4.32.5
SCHEMATHESIS_VENV=target/schemathesis-venv

ensure_schemathesis() {
  if [ "$("$SCHEMATHESIS_VENV/bin/schemathesis" --version 2>/dev/null | grep -o '[0-9.]*$')" = "$SCHEMATHESIS_VERSION" ]; then
    note "schemathesis $SCHEMATHESIS_VERSION: present"
    return
  fi
  step "Installing schemathesis $SCHEMATHESIS_VERSION (PyPI) into $SCHEMATHESIS_VENV"
  python3 -m venv "$SCHEMATHESIS_VENV"
  "$SCHEMATHESIS_VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
}

# run_schemathesis DATABASE_URL: the release server on that database (or
# SQLite when empty), with a personal access token so the authenticated
# operations are exercised past 401.
run_schemathesis() {
  local database_url=$1 dir port pid token
  dir=$(mktemp -d /tmp/twofold-st.XXXXXX)
  port=$(free_port)
  env -u DATABASE_URL ${database_url:+DATABASE_URL=$database_url} \
    target/release/server --addr "127.0.0.1:$port" \
    --data-dir "$dir/data" --log warn >"$dir/server.log" 2>&1 &
  pid=$!
  local base="http://127.0.0.1:$port"
  for _ in $(seq 100); do curl -fs "$base/login" >/dev/null && break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null || { cat "$dir/server.log" >&2; return 1; }
  # An account and a token, through the same calls the dashboard makes.
  local jar="$dir/cookies"
  curl -fs -c "$jar" -b "$jar" -H 'accept: application/json' \
    --data-urlencode login=fuzzed --data-urlencode 'password=correct horse battery' \
    "$base/api/sign_up" >/dev/null
  curl -fs -c "$jar" -b "$jar" -H 'accept: application/json' \
    --data-urlencode 'password=correct horse battery' "$base/api/confirm_password" >/dev/null
  token=$(curl -fs -c "$jar" -b "$jar" -H 'accept: application/json' \
    --data-urlencode name=schemathesis --data-urlencode expires_in_days=7 \
    --data-urlencode scope=read_only "$base/api/create_access_token" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
  local status=0
  (cd "$dir" && "$OLDPWD/$SCHEMATHESIS_VENV/bin/schemathesis" run "$base/api/openapi.json" \
    --checks all -H "Authorization: Bearer $token" --max-time 60 --seed 1) || status=$?
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
  return $status
}

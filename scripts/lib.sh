# Shared by scripts/run and scripts/test: install what is missing (pinned,
# see ../shared/TOOLCHAIN.md), say what is being done, skip what is there.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

CARGO_LEPTOS_VERSION=0.3.10
BINARYEN_VERSION=132.0.0
# The wasm-bindgen CLI must match the crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
note() { printf '    %s\n' "$*"; }

export PATH="$HOME/.cargo/bin:$PATH"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=
ensure_apt() {
  local missing=()
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    note "already installed: $*"
    return
  fi
  step "Installing Debian packages: ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then
    as_root apt-get update -qq
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}

ensure_build_tools() {
  step "Checking the build tools"
  # webauthn-rs links OpenSSL.
  ensure_apt libssl-dev pkg-config
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    note "wasm32-unknown-unknown target: present"
  else
    step "Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi

  if cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    note "cargo-leptos $CARGO_LEPTOS_VERSION: present"
  else
    step "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 13 minutes on 2 cores, once)"
    cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION" --features no_downloads
  fi

  if wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
    note "wasm-bindgen $WASM_BINDGEN_VERSION: present"
  else
    step "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes, once)"
    cargo install wasm-bindgen-cli --locked --version "$WASM_BINDGEN_VERSION"
  fi

  # The release wasm rebuilds the standard library for size (build_site).
  if rustup component list --installed | grep -q '^rust-src'; then
    note "rust-src: present"
  else
    step "Adding the rust-src component (the standard library's source)"
    rustup component add rust-src
  fi

  if wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
    note "wasm-opt ${BINARYEN_VERSION%%.*}: present"
  else
    # Debian's binaryen is too old for what rustc emits; npm's is current.
    step "Installing wasm-opt (binaryen $BINARYEN_VERSION from npm)"
    as_root npm install -g --no-fund --no-audit "binaryen@$BINARYEN_VERSION"
  fi
}

# The release wasm is built with the standard library rebuilt for size:
# panics abort at once without a message, no panic locations, no `Debug`
# output, std's smaller algorithms (docs/wasm-budget.md#standard-library-rebuilt-for-size).
# These are unstable options of the same pinned rustc, unlocked with
# RUSTC_BOOTSTRAP=1 and only for the wasm: the server is built in a second
# step without them, so its build scripts never see a "nightly" compiler.
WASM_SIZE_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none"

build_site() {
  step "Building the release front end (wasm dashboard, JS, CSS)"
  # --precompress writes .br and .gz beside each file in /pkg; the .gz are
  # then rewritten at level 9, what the budget counts and browsers download
  # (docs/wasm-budget.md#served-at-gzip-level-9).
  RUSTC_BOOTSTRAP=1 CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$WASM_SIZE_RUSTFLAGS" \
    cargo leptos build --release --precompress --frontend-only \
    --lib-cargo-args=-Zbuild-std=std,panic_abort \
    --lib-cargo-args=-Zbuild-std-features=optimize_for_size
  local file
  for file in target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css; do
    gzip -9 -n -k -f "$file"
  done
  step "Building the release server"
  cargo leptos build --release --server-only
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# After a browser run: what each failed attempt's page showed (the
# accessibility snapshot Playwright keeps) and the end of each server's
# log, printed last so that a CI log's tail carries them. After a run that
# passed, only if an attempt failed (a test that passed on its retry).
show_e2e_evidence() {
  local outcome=$1 contexts
  contexts=$(find end2end/test-results -name error-context.md 2>/dev/null | sort)
  [ -n "$contexts" ] || [ "$outcome" = failed ] || return 0
  step "Evidence of the browser run: $outcome"
  local context
  for context in $contexts; do
    note "${context#end2end/test-results/}"
    # awk reads to the end: a reader that stops early would fail the pipe.
    awk '/^# Test source/ { exit } /^# Test info/ { on = 1 } on && n++ < 80 { print "      " $0 }' "$context"
  done
  local log
  for log in end2end/.tmp/*-server.log; do
    [ -f "$log" ] || continue
    note "the last lines of $(basename "$log")"
    tail -n 40 "$log" | sed -e 's/\x1b\[[0-9;]*m//g' -e 's/^/      /'
  done
}

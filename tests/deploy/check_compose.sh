#!/usr/bin/env bash
# tests/deploy/check_compose.sh REPO_DIR BIN_DIR: keeps docker-compose.yml honest without a
# Docker engine. Checks that the file is valid for Debian's docker-compose, that every
# program a compose service runs is built, that the files it mounts or builds from exist,
# and that every QQ_* variable it sets is one deploy/dev also uses, so the two ways of
# running the stack cannot drift apart. Registered in ctest as deploy.compose_config.
set -euo pipefail

if (($# != 2)); then
  echo "usage: $0 REPO_DIR BIN_DIR" >&2
  exit 2
fi
REPO_DIR=$1
BIN_DIR=$2
COMPOSE_FILE=$REPO_DIR/docker-compose.yml
DEV_SCRIPT=$REPO_DIR/deploy/dev

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

[[ -f $COMPOSE_FILE ]] || { echo "FAIL: $COMPOSE_FILE does not exist" >&2; exit 1; }
[[ -f $DEV_SCRIPT ]] || { echo "FAIL: $DEV_SCRIPT does not exist" >&2; exit 1; }

# (a) Syntax and semantics, as docker-compose itself sees them (needs no Docker engine).
check_config() {
  if ! command -v docker-compose >/dev/null; then
    fail "docker-compose is not installed (apt-get install docker-compose, or ./deploy/dev test installs it)"
    return
  fi
  local out
  if ! out=$(docker-compose -f "$COMPOSE_FILE" config -q 2>&1); then
    fail "docker-compose config rejects $COMPOSE_FILE:"
    printf '%s\n' "$out" >&2
  fi
}

# (b) Every program named in a service's command is built and executable.
check_binaries() {
  local -a programs
  mapfile -t programs < <(grep -oE '/usr/local/bin/qq-[A-Za-z0-9_-]+' "$COMPOSE_FILE" |
                          sed 's|.*/||' | sort -u)
  if ((${#programs[@]} == 0)); then
    fail "no /usr/local/bin/qq-* command found in $COMPOSE_FILE"
    return
  fi
  local program
  for program in "${programs[@]}"; do
    if [[ ! -x $BIN_DIR/$program ]]; then
      fail "docker-compose.yml runs $program, but $BIN_DIR/$program is not an executable" \
           "(wrong name in the compose command, or the target is not built)"
    fi
  done
  echo "programs: ${programs[*]}"
}

# (c) Every QQ_* name in the compose file is also used by deploy/dev.
check_env_names() {
  local -a names
  mapfile -t names < <(grep -v '^[[:space:]]*#' "$COMPOSE_FILE" |
                       grep -oE '\bQQ_[A-Z0-9_]+' | sort -u)
  local name
  for name in "${names[@]}"; do
    if ! grep -qE "(^|[^A-Za-z0-9_])${name}([^A-Za-z0-9_]|\$)" "$DEV_SCRIPT"; then
      fail "docker-compose.yml sets $name, which deploy/dev never mentions" \
           "(a renamed or misspelt variable? keep the two in step)"
    fi
  done
  echo "variables: ${names[*]}"
}

# Files the compose file builds from or mounts into containers exist in the checkout.
check_files() {
  local path
  while read -r path; do
    [[ -e $REPO_DIR/$path ]] || fail "docker-compose.yml refers to $path, which does not exist"
  done < <(grep -v '^[[:space:]]*#' "$COMPOSE_FILE" |
           grep -oE '(\./)?deploy/[A-Za-z0-9_./-]+' | sed 's|^\./||' | sort -u)
}

check_config
check_binaries
check_env_names
check_files

if ((failures)); then
  echo "check_compose: $failures problem(s)" >&2
  exit 1
fi
echo "check_compose: ok"

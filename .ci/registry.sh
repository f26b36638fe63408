# Packages from the npm registry that the npm client is configured to use (sourced by .ci/run).
# This file names no registry host: with npm on PATH, npm itself fetches (its own configuration:
# registry, proxies, certificates); without npm, the registry is read from npm's configuration as
# npm would (npm_config_registry in the environment, then the project's .npmrc, the user's
# ~/.npmrc or $NPM_CONFIG_USERCONFIG, the global $NPM_CONFIG_GLOBALCONFIG or /etc/npmrc).
# 1. ci_registry: the registry URL, without its trailing slash; status 1 when none is configured.
# 2. ci_fetch_package NAME VERSION DIR: the package's tarball unpacked into DIR (DIR/package/…):
#    `npm pack NAME@VERSION` when npm is there; else the version's document from the registry
#    (what `npm view NAME@VERSION dist` reads), its dist.tarball, checked against dist.shasum.
# 3. ci_bootstrap_node: Node 24 and npm from packages (below).

# The `registry=` value of one npmrc file (scoped registries, `@scope:registry=`, are not it).
ci_npmrc_registry() {
  [ -r "$1" ] || return 1
  local value
  value=$(sed -n 's/^[[:space:]]*registry[[:space:]]*=[[:space:]]*//p' "$1" | tail -n 1 | tr -d '\r"'"'" | sed 's/[[:space:]]*$//')
  [ -n "$value" ] || return 1
  printf '%s\n' "$value"
}

ci_registry() {
  local value=""
  if command -v npm >/dev/null 2>&1; then
    value=$(npm config get registry 2>/dev/null)
  else
    value=${npm_config_registry:-${NPM_CONFIG_REGISTRY:-}}
    [ -n "$value" ] || value=$(ci_npmrc_registry "${CI_PROJECT_DIR:-.}/.npmrc") ||
      value=$(ci_npmrc_registry "${NPM_CONFIG_USERCONFIG:-${npm_config_userconfig:-$HOME/.npmrc}}") ||
      value=$(ci_npmrc_registry "${NPM_CONFIG_GLOBALCONFIG:-${npm_config_globalconfig:-/etc/npmrc}}") || value=""
  fi
  case "$value" in
    http://*|https://*) printf '%s\n' "${value%/}" ;;
    *) echo "ci: no npm, and no registry in npm's configuration (set npm_config_registry, or registry= in ~/.npmrc)" >&2; return 1 ;;
  esac
}

ci_fetch_package() {
  local name=$1 version=$2 dest=$3 tmp status=0
  tmp=$(mktemp -d) || return 1
  mkdir -p "$dest" || { rm -rf "$tmp"; return 1; }
  if command -v npm >/dev/null 2>&1; then
    (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null 2>&1) &&
      tar xzf "$tmp"/*.tgz -C "$dest" || status=1
  else
    local registry doc tarball shasum
    registry=$(ci_registry) || { rm -rf "$tmp"; return 1; }
    doc=$(curl -fsSL "$registry/$name/$version") || { echo "ci: $name@$version: no answer from the registry" >&2; rm -rf "$tmp"; return 1; }
    doc=$(printf '%s' "$doc" | tr -d '\n')
    tarball=$(printf '%s' "$doc" | sed -n 's/.*"tarball"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')
    shasum=$(printf '%s' "$doc" | sed -n 's/.*"shasum"[[:space:]]*:[[:space:]]*"\([0-9a-f]*\)".*/\1/p')
    if [ -z "$tarball" ] || [ -z "$shasum" ]; then
      echo "ci: $name@$version: the registry's document names no tarball and shasum" >&2; status=1
    elif ! curl -fsSL -o "$tmp/package.tgz" "$tarball"; then
      echo "ci: $name@$version: could not download its tarball" >&2; status=1
    elif [ "$(sha1sum "$tmp/package.tgz" | cut -d ' ' -f 1)" != "$shasum" ]; then
      echo "ci: $name@$version: the tarball does not match its shasum" >&2; status=1
    else
      tar xzf "$tmp/package.tgz" -C "$dest" || status=1
    fi
  fi
  rm -rf "$tmp"
  return $status
}

# 3. ci_bootstrap_node: a Node binary and npm itself, as packages (node-linux-<arch>, npm), into
#    ~/.cache/vopa-ci-node, put first on PATH (when npm could not install node@24, or there is no npm).
ci_bootstrap_node() {
  local dir="$HOME/.cache/vopa-ci-node" arch
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) echo "ci: unsupported machine $(uname -m)" >&2; return 1 ;; esac
  local node_version=24.9.0 npm_version=11.21.2
  [ "$arch" = arm64 ] && node_version=24.22.0
  mkdir -p "$dir/bin"
  if [ ! -x "$dir/node/package/bin/node" ]; then
    rm -rf "$dir/node" "$dir/npm"
    ci_fetch_package "node-linux-$arch" "$node_version" "$dir/node" || return 1
    ci_fetch_package npm "$npm_version" "$dir/npm" || return 1
  fi
  ln -sf "$dir/node/package/bin/node" "$dir/bin/node"
  printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$dir/node/package/bin/node" "$dir/npm/package/bin/npm-cli.js" > "$dir/bin/npm"
  printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$dir/node/package/bin/node" "$dir/npm/package/bin/npx-cli.js" > "$dir/bin/npx"
  chmod +x "$dir/bin/npm" "$dir/bin/npx"
  export PATH="$dir/bin:$PATH"
}

#!/usr/bin/env bash
# Debian packages the real-VS-Code runtime needs: headless Chromium (and zsh) for the e2e suite and the headers code-server's
# native modules build against. Idempotent and fast when everything is present (dpkg -s only, no apt-get).
# As root it installs what is missing; otherwise it prints the exact command to run and exits 1.
set -euo pipefail

# zsh and fish: the e2e suite captures commands in zsh and fish terminals (leading-space skip, fish shell integration).
PACKAGES=(chromium zsh fish libkrb5-dev libxkbfile-dev libsecret-1-dev pkg-config build-essential python3)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg -s "$pkg" >/dev/null 2>&1; then missing+=("$pkg"); fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "system packages: all present (${PACKAGES[*]})"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing system packages: ${missing[*]}" >&2
  echo "This machine has no apt-get. Install the equivalents of: ${missing[*]} with your package manager, then run again." >&2
  exit 1
fi

if [ "$(id -u)" != "0" ]; then
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  echo "then run this command again." >&2
  exit 1
fi

echo "installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "system packages: installed ${missing[*]}"

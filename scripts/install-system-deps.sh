#!/usr/bin/env bash
# Install the Debian packages the site's handouts and the tests need, only those missing.
# `--site` checks only what building the site needs (fonts, Pango), not the test tools.
set -euo pipefail
need=()
if [ "${1:-}" != "--site" ]; then
  command -v chromium >/dev/null || need+=(chromium)
  command -v pdfinfo >/dev/null || need+=(poppler-utils)
  command -v zbarimg >/dev/null || need+=(zbar-tools)
  command -v java >/dev/null || need+=(default-jre-headless)  # the Nu HTML Checker (vnu.jar)
  command -v npm >/dev/null || need+=(npm)  # fetches axe-core and vnu-jar for the quality tests
fi
# handouts: a CJK font that subsets small (WenQuanYi Zen Hei) and Pango for WeasyPrint
fc-list :lang=zh family 2>/dev/null | grep -q "WenQuanYi Zen Hei" || need+=(fonts-wqy-zenhei)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "Missing system packages: ${need[*]}" >&2
  echo "Install them with: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
echo "Installing ${need[*]} with apt-get…" >&2
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null

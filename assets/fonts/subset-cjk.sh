#!/usr/bin/env bash
# Rebuilds NotoSansSC-Names.otf: Noto Sans CJK SC (OFL, Debian fonts-noto-cjk) cut down to the
# characters Chinese is named with in a language list (the kiosk shows "中文" as a mediator choice).
# The full font is 19 MB; this subset is a few KB. `check-config` refuses any kiosk text with a
# character no shipped font has, so a configuration that needs more Chinese characters says so.
# Needs Debian fonts-noto-cjk and python3-fonttools.
set -euo pipefail
cd "$(dirname "$0")"
chars="中文简体繁體汉语漢語普通话話廣東东粵粤華华國国"
for weight in Regular Bold; do
  /usr/bin/python3 -m fontTools.subset "/usr/share/fonts/opentype/noto/NotoSansCJK-$weight.ttc" --font-number=2 \
    --text="$chars" --layout-features='*' --name-IDs='*' --output-file="NotoSansSC-Names-$weight.otf"
done

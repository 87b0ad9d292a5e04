#include "auth/utf8.h"

#include <cstdint>

namespace pathways {

namespace {

// Decodes the sequence at text[i]: its code point and length, or length 0 when invalid.
struct Decoded {
  char32_t cp = 0;
  size_t length = 0;
};

Decoded decode(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t b0 = byte(i);
  if (b0 < 0x80) return {b0, 1};
  size_t n;
  char32_t cp, min;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return {};
  }
  if (i + n > text.size()) return {};
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {};
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
  return {cp, n};
}

}  // namespace

std::optional<size_t> utf8_length(std::string_view text) {
  size_t count = 0;
  for (size_t i = 0; i < text.size();) {
    const Decoded d = decode(text, i);
    if (d.length == 0) return std::nullopt;
    i += d.length;
    ++count;
  }
  return count;
}

bool has_control_character(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const Decoded d = decode(text, i);
    if (d.length == 0) {
      ++i;
      continue;
    }
    if (d.cp < 0x20 || (d.cp >= 0x7F && d.cp <= 0x9F)) return true;
    i += d.length;
  }
  return false;
}

std::string sanitize_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const Decoded d = decode(text, i);
    if (d.length == 0 || d.cp == 0) {
      out += "\xEF\xBF\xBD";
      i += d.length == 0 ? 1 : d.length;
      continue;
    }
    out.append(text.substr(i, d.length));
    i += d.length;
  }
  return out;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace pathways

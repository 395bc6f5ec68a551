// CSV rows from a file read in chunks; see csv_reader.h. Two layers: TextInput turns the
// file's bytes into UTF-8 (checking or converting with ICU), CsvReader splits records.
#include "services/customer/spreadsheet/csv_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <unicode/ucnv.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/customer/spreadsheet/row_builder.h"

namespace qq::spreadsheet {
namespace {

constexpr size_t kChunkBytes = 64 << 10;
// Bytes of non-ASCII text looked at before deciding between UTF-8 and GB18030.
constexpr size_t kSniffBytes = 4 << 10;

constexpr char kResave[] = "open it in Excel or WPS and save it again as CSV (UTF-8)";

// Length of the valid UTF-8 sequence at data[i], 0 when the bytes are invalid, or -1
// when they are a valid start cut off by the end of `data`.
int Utf8SequenceAt(const unsigned char* data, size_t size, size_t i) {
  unsigned char c = data[i];
  if (c < 0x80) return 1;
  int length;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    if (c == 0xE0) low = 0xA0;   // no overlong forms
    if (c == 0xED) high = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;  // nothing past U+10FFFF
  } else {
    return 0;
  }
  for (int k = 1; k < length; ++k) {
    if (i + k >= size) return -1;
    unsigned char next = data[i + k];
    if (k == 1 ? (next < low || next > high) : (next < 0x80 || next > 0xBF)) return 0;
  }
  return length;
}

struct Utf8Scan {
  size_t valid = 0;      // bytes of complete, valid UTF-8 from the start
  bool invalid = false;  // stopped at invalid bytes (not merely at the end)
  size_t first_non_ascii = std::string::npos;
};

Utf8Scan ScanUtf8(absl::string_view text) {
  Utf8Scan scan;
  const auto* data = reinterpret_cast<const unsigned char*>(text.data());
  size_t i = 0;
  while (i < text.size()) {
    if (data[i] < 0x80) {
      ++i;
      continue;
    }
    if (scan.first_non_ascii == std::string::npos) scan.first_non_ascii = i;
    int length = Utf8SequenceAt(data, text.size(), i);
    if (length == 0) scan.invalid = true;
    if (length <= 0) break;
    i += length;
  }
  scan.valid = i;
  return scan;
}

// The file's text as UTF-8, a chunk at a time.
class TextInput {
 public:
  explicit TextInput(std::FILE* file) : file_(file) {}
  ~TextInput() {
    std::fclose(file_);
    if (source_ != nullptr) ucnv_close(source_);
    if (utf8_ != nullptr) ucnv_close(utf8_);
  }
  TextInput(const TextInput&) = delete;
  TextInput& operator=(const TextInput&) = delete;

  // Appends the next piece of text to `out`; false once the file is used up.
  // INVALID_ARGUMENT for text that is neither UTF-8 nor GB18030 throughout.
  absl::StatusOr<bool> Read(std::string* out) {
    if (done_) return false;
    absl::StatusOr<bool> more = ReadRaw();
    if (!more.ok()) return more.status();
    bool end = !*more;
    if (first_) {
      first_ = false;
      if (absl::StartsWith(raw_, "\xEF\xBB\xBF")) {
        raw_.erase(0, 3);
        mode_ = Mode::kUtf8;
      } else if (absl::StartsWith(raw_, "\xFF\xFE") || absl::StartsWith(raw_, "\xFE\xFF")) {
        const char* charset = raw_[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE";
        raw_.erase(0, 2);
        if (absl::Status status = StartConverting(charset); !status.ok()) return status;
      }
    }
    absl::Status status;
    switch (mode_) {
      case Mode::kUndecided:
        status = ReadUndecided(end, out);
        break;
      case Mode::kUtf8:
        status = TakeUtf8(end, out);
        break;
      case Mode::kConverting:
        status = Convert(end, out);
        break;
    }
    if (!status.ok()) return status;
    if (end) done_ = true;
    return true;
  }

 private:
  enum class Mode { kUndecided, kUtf8, kConverting };

  // Adds a chunk of the file to raw_; false at the end of the file.
  absl::StatusOr<bool> ReadRaw() {
    size_t old_size = raw_.size();
    raw_.resize(old_size + kChunkBytes);
    size_t n = std::fread(raw_.data() + old_size, 1, kChunkBytes, file_);
    raw_.resize(old_size + n);
    if (n == 0 && std::ferror(file_)) {
      return absl::InternalError(absl::StrCat("reading the file: ", std::strerror(errno)));
    }
    return n > 0;
  }

  // Until non-ASCII text shows up, UTF-8 and GB18030 read the same. The first stretch of
  // it decides: valid UTF-8 throughout means UTF-8 (bad bytes further on are then an
  // error), anything else GB18030.
  absl::Status ReadUndecided(bool end, std::string* out) {
    for (;;) {
      Utf8Scan scan = ScanUtf8(raw_);
      if (scan.first_non_ascii == std::string::npos) return TakeUtf8(end, out);
      size_t window_end = scan.first_non_ascii + kSniffBytes;
      bool bad = scan.invalid || (end && scan.valid < raw_.size());
      if (bad && scan.valid < window_end) {
        if (absl::Status status = StartConverting("GB18030"); !status.ok()) return status;
        return Convert(end, out);
      }
      if (end || scan.valid >= window_end) {
        mode_ = Mode::kUtf8;
        return TakeUtf8(end, out);
      }
      absl::StatusOr<bool> more = ReadRaw();
      if (!more.ok()) return more.status();
      end = !*more;
    }
  }

  absl::Status TakeUtf8(bool end, std::string* out) {
    Utf8Scan scan = ScanUtf8(raw_);
    if (scan.invalid || (end && scan.valid < raw_.size())) {
      return absl::InvalidArgumentError(
          absl::StrCat("the file is UTF-8 text but has bytes that are not UTF-8 near byte ",
                       consumed_ + scan.valid, " (mixed encodings?); ", kResave));
    }
    out->append(raw_, 0, scan.valid);
    raw_.erase(0, scan.valid);  // keeps a character cut off by the chunk's end
    consumed_ += scan.valid;
    return absl::OkStatus();
  }

  absl::Status StartConverting(const char* charset) {
    UErrorCode error = U_ZERO_ERROR;
    source_ = ucnv_open(charset, &error);
    if (U_FAILURE(error)) return absl::InternalError(absl::StrCat("cannot load ", charset));
    utf8_ = ucnv_open("UTF-8", &error);
    if (U_FAILURE(error)) return absl::InternalError("cannot load the UTF-8 converter");
    pivot_source_ = pivot_target_ = pivot_;
    mode_ = Mode::kConverting;
    return absl::OkStatus();
  }

  // ICU keeps a character cut off by the chunk's end in the converter until the next call.
  absl::Status Convert(bool end, std::string* out) {
    const char* source = raw_.data();
    const char* source_limit = raw_.data() + raw_.size();
    char buffer[kChunkBytes];
    for (;;) {
      char* target = buffer;
      UErrorCode error = U_ZERO_ERROR;
      ucnv_convertEx(utf8_, source_, &target, buffer + sizeof(buffer), &source, source_limit,
                     pivot_, &pivot_source_, &pivot_target_, pivot_ + kPivotUnits, reset_, end,
                     &error);
      reset_ = false;
      out->append(buffer, target - buffer);
      if (error == U_BUFFER_OVERFLOW_ERROR) continue;
      if (U_FAILURE(error)) {
        return absl::InvalidArgumentError(absl::StrCat("the file's text could not be decoded (",
                                                       u_errorName(error), "); ", kResave));
      }
      break;
    }
    consumed_ += raw_.size();
    raw_.clear();
    return absl::OkStatus();
  }

  static constexpr int kPivotUnits = 1024;

  std::FILE* file_;
  std::string raw_;  // bytes read but not yet handed out
  Mode mode_ = Mode::kUndecided;
  bool first_ = true;
  bool done_ = false;
  int64_t consumed_ = 0;
  UConverter* source_ = nullptr;
  UConverter* utf8_ = nullptr;
  UChar pivot_[kPivotUnits];
  UChar* pivot_source_ = nullptr;
  UChar* pivot_target_ = nullptr;
  bool reset_ = true;
};

class CsvReader : public RowReader {
 public:
  CsvReader(std::unique_ptr<TextInput> input, const Limits& limits)
      : input_(std::move(input)), limits_(limits), builder_(limits) {}

  absl::StatusOr<bool> Next(Row* row) override {
    if (!status_.ok()) return status_;
    for (;;) {
      absl::StatusOr<bool> record = ParseRecord(row);
      if (record.ok() && *record) record = builder_.Finish();
      if (!record.ok()) {
        status_ = record.status();
        return status_;
      }
      if (*record) return true;
      if (at_end_) return false;
    }
  }

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };

  // Makes more text available in buffer_; false at the end of the file.
  absl::StatusOr<bool> Fill() {
    if (pos_ > 0) {
      buffer_.erase(0, pos_);
      pos_ = 0;
    }
    size_t old_size = buffer_.size();
    while (buffer_.size() == old_size) {
      absl::StatusOr<bool> more = input_->Read(&buffer_);
      if (!more.ok()) return more.status();
      if (!*more) return false;
    }
    if (std::memchr(buffer_.data() + old_size, '\0', buffer_.size() - old_size) != nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "row ", record_number_, " holds binary data (a NUL byte); this is not a CSV file"));
    }
    if (delimiter_ == 0) PickDelimiter();
    return true;
  }

  // Excel's "Unicode text" is tab-separated; everything else here uses commas.
  void PickDelimiter() {
    size_t line_end = buffer_.find('\n');
    absl::string_view first_line(buffer_.data(),
                                 line_end == std::string::npos ? buffer_.size() : line_end);
    size_t tabs = std::count(first_line.begin(), first_line.end(), '\t');
    size_t commas = std::count(first_line.begin(), first_line.end(), ',');
    delimiter_ = tabs > commas ? '\t' : ',';
  }

  absl::Status Append(const char* data, size_t size) {
    if (field_.size() + size > static_cast<size_t>(limits_.max_cell_bytes)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "row ", record_number_, " column ", ColumnName(column_), ": the value is longer than ",
          ByteSize(limits_.max_cell_bytes), " (is a quote left open?)"));
    }
    field_.append(data, size);
    return absl::OkStatus();
  }

  void EndField() {
    if (!field_.empty()) {
      // ="0123" is how exports keep Excel from turning digits into a number.
      if (field_.size() >= 3 && absl::StartsWith(field_, "=\"") && field_.back() == '"') {
        field_ = field_.substr(2, field_.size() - 3);
      }
      builder_.Put(column_, Cell{CellKind::kString, std::move(field_)});
      field_.clear();
    }
    ++column_;
  }

  // Reads one record into `row`; false when the file has no more.
  absl::StatusOr<bool> ParseRecord(Row* row) {
    builder_.Start(++record_number_, row);
    column_ = 0;
    field_.clear();
    State state = State::kFieldStart;
    bool started = false;
    int64_t quote_row = record_number_;
    for (;;) {
      if (pos_ >= buffer_.size()) {
        absl::StatusOr<bool> more = Fill();
        if (!more.ok()) return more.status();
        if (!*more) {
          at_end_ = true;
          if (state == State::kQuoted) {
            return absl::InvalidArgumentError(
                absl::StrCat("row ", quote_row, " column ", ColumnName(column_),
                             ": a quoted value is never closed (a \" is missing)"));
          }
          if (!started) return false;
          EndField();
          return true;
        }
      }
      char c = buffer_[pos_++];
      if (skip_newline_) {
        skip_newline_ = false;
        if (c == '\n') continue;
      }
      started = true;
      switch (state) {
        case State::kQuoted: {
          // Copy up to the next quote in one go.
          size_t quote = buffer_.find('"', pos_ - 1);
          size_t stop = quote == std::string::npos ? buffer_.size() : quote;
          if (absl::Status s = Append(buffer_.data() + pos_ - 1, stop - (pos_ - 1)); !s.ok()) {
            return s;
          }
          if (quote != std::string::npos) {
            pos_ = quote + 1;
            state = State::kQuoteInQuoted;
          } else {
            pos_ = buffer_.size();
          }
          continue;
        }
        case State::kQuoteInQuoted:
          if (c == '"') {
            field_.push_back('"');
            state = State::kQuoted;
            continue;
          }
          break;  // the field's closing quote: handle `c` like unquoted text
        case State::kFieldStart:
          if (c == '"') {
            state = State::kQuoted;
            quote_row = record_number_;
            continue;
          }
          break;
        case State::kUnquoted:
          break;
      }
      if (c == delimiter_) {
        EndField();
        state = State::kFieldStart;
      } else if (c == '\n' || c == '\r') {
        skip_newline_ = c == '\r';
        EndField();
        return true;
      } else {
        // Unquoted text, or text after a closing quote ("ab"c), is taken as it is.
        if (absl::Status s = Append(&c, 1); !s.ok()) return s;
        state = State::kUnquoted;
      }
    }
  }

  std::unique_ptr<TextInput> input_;
  const Limits limits_;
  RowBuilder builder_;
  absl::Status status_;
  std::string buffer_;
  size_t pos_ = 0;
  char delimiter_ = 0;
  bool skip_newline_ = false;
  bool at_end_ = false;
  int64_t record_number_ = 0;
  int column_ = 0;
  std::string field_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<RowReader>> OpenCsv(const std::string& path, const Limits& limits) {
  absl::StatusOr<int64_t> size = CheckedFileSize(path, limits);
  if (!size.ok()) return size.status();
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return absl::InternalError(absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  return std::make_unique<CsvReader>(std::make_unique<TextInput>(file), limits);
}

}  // namespace qq::spreadsheet

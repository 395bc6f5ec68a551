// .xlsx rows streamed from the first worksheet; see xlsx_reader.h.
//
// Order of work: find the workbook through the package relationships, pick the first
// visible worksheet, load the shared strings (bounded) and which cell styles are dates,
// collect merged ranges (they sit after the cells, so the sheet part is scanned once
// ahead), then inflate and parse the sheet part a chunk at a time, handing out rows as
// their end tags go by.
#include "services/customer/spreadsheet/xlsx_reader.h"

#include <expat.h>
#include <zip.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <deque>
#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/customer/spreadsheet/cell_text.h"
#include "services/customer/spreadsheet/row_builder.h"

namespace qq::spreadsheet {
namespace {

constexpr size_t kChunkBytes = 64 << 10;
constexpr size_t kMaxMergedRanges = 100'000;
constexpr int64_t kMaxPendingXmlBytes = 1 << 20;
constexpr int kExcelMaxColumns = 16384;
constexpr char kSaveAs[] = "open it in Excel or WPS and save it as .xlsx";

// ---------------------------------------------------------------------------------------
// Zip access

absl::Status Damaged(absl::string_view detail) {
  return absl::InvalidArgumentError(absl::StrCat("the .xlsx file is damaged or incomplete (",
                                                 detail, "); upload it again or ", kSaveAs));
}

class ZipArchive {
 public:
  static absl::StatusOr<std::unique_ptr<ZipArchive>> Open(const std::string& path) {
    int error_code = 0;
    zip_t* zip = zip_open(path.c_str(), ZIP_RDONLY, &error_code);
    if (zip == nullptr) {
      zip_error_t error;
      zip_error_init_with_code(&error, error_code);
      std::string detail = zip_error_strerror(&error);
      zip_error_fini(&error);
      if (error_code == ZIP_ER_NOENT) return absl::NotFoundError(absl::StrCat("no file at ", path));
      if (error_code == ZIP_ER_OPEN || error_code == ZIP_ER_READ || error_code == ZIP_ER_MEMORY) {
        return absl::InternalError(absl::StrCat("cannot read ", path, ": ", detail));
      }
      return Damaged(detail);
    }
    return std::unique_ptr<ZipArchive>(new ZipArchive(zip));
  }
  ~ZipArchive() { zip_discard(zip_); }
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  // The entry's index; names are matched exactly, then ignoring case.
  std::optional<zip_uint64_t> Find(const std::string& name) const {
    zip_int64_t index = zip_name_locate(zip_, name.c_str(), 0);
    if (index < 0) index = zip_name_locate(zip_, name.c_str(), ZIP_FL_NOCASE);
    if (index < 0) return std::nullopt;
    return static_cast<zip_uint64_t>(index);
  }
  bool Has(const std::string& name) const { return Find(name).has_value(); }

  zip_t* get() const { return zip_; }

 private:
  explicit ZipArchive(zip_t* zip) : zip_(zip) {}
  zip_t* zip_;
};

// One part of the package, inflated on demand and never past `limit` bytes in total
// (the sizes in the zip directory may lie, so the count is kept while reading).
class PartStream {
 public:
  static absl::StatusOr<std::unique_ptr<PartStream>> Open(const ZipArchive& archive,
                                                          const std::string& name, int64_t limit) {
    std::optional<zip_uint64_t> index = archive.Find(name);
    if (!index) return Damaged(absl::StrCat(name, " is missing"));
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive.get(), *index, 0, &stat) == 0 && (stat.valid & ZIP_STAT_SIZE) &&
        stat.size > static_cast<zip_uint64_t>(limit)) {
      return TooBig(name, limit);
    }
    zip_file_t* file = zip_fopen_index(archive.get(), *index, 0);
    if (file == nullptr) {
      int code = zip_error_code_zip(zip_get_error(archive.get()));
      if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_ENCRNOTSUPP) {
        return absl::InvalidArgumentError(
            "the workbook is encrypted; remove its password in Excel and upload it again");
      }
      return Damaged(zip_strerror(archive.get()));
    }
    return std::unique_ptr<PartStream>(new PartStream(file, name, limit));
  }
  ~PartStream() { zip_fclose(file_); }
  PartStream(const PartStream&) = delete;
  PartStream& operator=(const PartStream&) = delete;

  // Up to `size` inflated bytes; 0 at the end of the part.
  absl::StatusOr<size_t> Read(char* data, size_t size) {
    zip_int64_t n = zip_fread(file_, data, size);
    if (n < 0) return Damaged(absl::StrCat(name_, ": ", zip_file_strerror(file_)));
    total_ += n;
    if (total_ > limit_) return TooBig(name_, limit_);
    return static_cast<size_t>(n);
  }

  const std::string& name() const { return name_; }

 private:
  PartStream(zip_file_t* file, std::string name, int64_t limit)
      : file_(file), name_(std::move(name)), limit_(limit) {}

  static absl::Status TooBig(const std::string& name, int64_t limit) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the workbook's part ", name, " unpacks to more than ", ByteSize(limit),
                     ", the most one import reads; split the sheet into smaller files"));
  }

  zip_file_t* file_;
  std::string name_;
  int64_t limit_;
  int64_t total_ = 0;
};

// ---------------------------------------------------------------------------------------
// XML

// Only the local part of a name matters ("x:c" is "c"): tools differ in the prefixes
// they use, and Strict OOXML in the namespaces. Expat's namespace processing is left
// off: it only slows the parse down.
absl::string_view LocalName(const XML_Char* name) {
  const char* colon = std::strchr(name, ':');
  return colon == nullptr ? absl::string_view(name) : absl::string_view(colon + 1);
}

const char* Attribute(const XML_Char** attributes, absl::string_view local_name) {
  for (int i = 0; attributes[i] != nullptr; i += 2) {
    if (LocalName(attributes[i]) == local_name) return attributes[i + 1];
  }
  return nullptr;
}

class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void Start(absl::string_view name, const XML_Char** attributes) {}
  virtual void End(absl::string_view name) {}
  virtual void Text(const char* data, int size) {}

  // Stops the parse with `status`.
  void Fail(absl::Status status) {
    if (status_.ok()) status_ = std::move(status);
    XML_StopParser(parser_, XML_FALSE);
  }
  const absl::Status& status() const { return status_; }
  void set_parser(XML_Parser parser) { parser_ = parser; }

 private:
  XML_Parser parser_ = nullptr;
  absl::Status status_;
};

class XmlParser {
 public:
  XmlParser(XmlHandler* handler, std::string part_name)
      : handler_(handler), part_name_(std::move(part_name)) {
    parser_ = XML_ParserCreate(nullptr);
    handler_->set_parser(parser_);
    XML_SetUserData(parser_, handler_);
    XML_SetElementHandler(
        parser_,
        [](void* data, const XML_Char* name, const XML_Char** attributes) {
          static_cast<XmlHandler*>(data)->Start(LocalName(name), attributes);
        },
        [](void* data, const XML_Char* name) {
          static_cast<XmlHandler*>(data)->End(LocalName(name));
        });
    XML_SetCharacterDataHandler(parser_, [](void* data, const XML_Char* text, int size) {
      static_cast<XmlHandler*>(data)->Text(text, size);
    });
    // Package parts never need a DTD; refusing one rules out entity expansion tricks.
    XML_SetStartDoctypeDeclHandler(
        parser_, [](void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
          static_cast<XmlHandler*>(data)->Fail(
              absl::InvalidArgumentError("the workbook holds XML with a DTD, which is refused"));
        });
  }
  ~XmlParser() { XML_ParserFree(parser_); }
  XmlParser(const XmlParser&) = delete;
  XmlParser& operator=(const XmlParser&) = delete;

  // Inflates and parses the next chunk of `in`; sets *end after the last one.
  absl::Status ParseChunk(PartStream* in, bool* end) {
    void* buffer = XML_GetBuffer(parser_, kChunkBytes);
    if (buffer == nullptr) return absl::ResourceExhaustedError("out of memory parsing XML");
    absl::StatusOr<size_t> n = in->Read(static_cast<char*>(buffer), kChunkBytes);
    if (!n.ok()) return n.status();
    *end = *n == 0;
    fed_ += *n;
    if (XML_ParseBuffer(parser_, static_cast<int>(*n), *end) != XML_STATUS_OK) {
      if (!handler_->status().ok()) return handler_->status();
      return Damaged(absl::StrCat(part_name_, " line ", XML_GetCurrentLineNumber(parser_), ": ",
                                  XML_ErrorString(XML_GetErrorCode(parser_))));
    }
    // Expat holds an unfinished tag in memory whole and rescans it with every chunk (text
    // it hands over as it goes); no tag Excel writes comes near this.
    if (fed_ - XML_GetCurrentByteIndex(parser_) > kMaxPendingXmlBytes) {
      return absl::InvalidArgumentError(absl::StrCat(part_name_, " holds an XML tag larger than ",
                                                     ByteSize(kMaxPendingXmlBytes),
                                                     "; this is not a workbook Excel writes"));
    }
    return handler_->status();
  }

 private:
  XmlHandler* handler_;
  std::string part_name_;
  XML_Parser parser_;
  int64_t fed_ = 0;
};

absl::Status ParsePart(const ZipArchive& archive, const std::string& name, int64_t limit,
                       XmlHandler* handler) {
  absl::StatusOr<std::unique_ptr<PartStream>> in = PartStream::Open(archive, name, limit);
  if (!in.ok()) return in.status();
  XmlParser parser(handler, name);
  for (bool end = false; !end;) {
    if (absl::Status status = parser.ParseChunk(in->get(), &end); !status.ok()) return status;
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------
// Package structure: relationships, workbook, styles, shared strings

struct Relationship {
  std::string id;
  std::string type;
  std::string target;  // resolved to a zip entry name
};

// "xl/" + "worksheets/sheet1.xml", "/xl/x.xml", "../x.xml" -> zip entry names.
std::string ResolveTarget(absl::string_view base_dir, absl::string_view target) {
  std::vector<std::string> parts;
  std::string joined = absl::StartsWith(target, "/") ? std::string(target.substr(1))
                                                     : absl::StrCat(base_dir, target);
  for (absl::string_view part : absl::StrSplit(joined, '/', absl::SkipEmpty())) {
    if (part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.emplace_back(part);
  }
  return absl::StrJoin(parts, "/");
}

class RelationshipsHandler : public XmlHandler {
 public:
  explicit RelationshipsHandler(std::string base_dir) : base_dir_(std::move(base_dir)) {}
  void Start(absl::string_view name, const XML_Char** attributes) override {
    if (name != "Relationship") return;
    const char* id = Attribute(attributes, "Id");
    const char* type = Attribute(attributes, "Type");
    const char* target = Attribute(attributes, "Target");
    const char* mode = Attribute(attributes, "TargetMode");
    if (id == nullptr || type == nullptr || target == nullptr) return;
    if (mode != nullptr && absl::EqualsIgnoreCase(mode, "External")) return;
    relationships.push_back({id, type, ResolveTarget(base_dir_, target)});
  }
  const Relationship* FindByType(absl::string_view type_suffix) const {
    for (const Relationship& r : relationships) {
      if (absl::EndsWith(r.type, type_suffix)) return &r;
    }
    return nullptr;
  }
  const Relationship* FindById(absl::string_view id) const {
    for (const Relationship& r : relationships) {
      if (r.id == id) return &r;
    }
    return nullptr;
  }

  std::vector<Relationship> relationships;

 private:
  std::string base_dir_;
};

struct SheetEntry {
  std::string name;
  std::string relationship_id;
  bool visible = true;
};

class WorkbookHandler : public XmlHandler {
 public:
  void Start(absl::string_view name, const XML_Char** attributes) override {
    if (root.empty()) root = std::string(name);
    if (name == "workbookPr") {
      const char* value = Attribute(attributes, "date1904");
      date1904 = value != nullptr &&
                 (absl::string_view(value) == "1" || absl::EqualsIgnoreCase(value, "true"));
    } else if (name == "sheet") {
      const char* sheet_name = Attribute(attributes, "name");
      const char* id = Attribute(attributes, "id");
      const char* state = Attribute(attributes, "state");
      if (id == nullptr) return;
      sheets.push_back({sheet_name == nullptr ? "" : sheet_name, id,
                        state == nullptr || absl::string_view(state) == "visible"});
    }
  }

  std::string root;  // "workbook" unless the package holds some other document
  bool date1904 = false;
  std::vector<SheetEntry> sheets;
};

// Which cell styles (indexes into cellXfs) show numbers as dates or times.
class StylesHandler : public XmlHandler {
 public:
  void Start(absl::string_view name, const XML_Char** attributes) override {
    if (name == "numFmt") {
      const char* id = Attribute(attributes, "numFmtId");
      const char* code = Attribute(attributes, "formatCode");
      int format_id;
      if (id != nullptr && code != nullptr && absl::SimpleAtoi(id, &format_id)) {
        custom_formats_.emplace_back(format_id, DateStyleOfFormatCode(code));
      }
    } else if (name == "cellXfs") {
      in_cell_xfs_ = true;
    } else if (name == "xf" && in_cell_xfs_) {
      const char* id = Attribute(attributes, "numFmtId");
      int format_id = 0;
      if (id != nullptr && !absl::SimpleAtoi(id, &format_id)) format_id = 0;
      xf_format_ids_.push_back(format_id);
    }
  }
  void End(absl::string_view name) override {
    if (name == "cellXfs") in_cell_xfs_ = false;
  }

  std::vector<DateStyle> CellStyles() const {
    std::vector<DateStyle> styles;
    styles.reserve(xf_format_ids_.size());
    for (int format_id : xf_format_ids_) {
      DateStyle style = DateStyleOfBuiltinFormat(format_id);
      for (const auto& [id, custom_style] : custom_formats_) {
        if (id == format_id) style = custom_style;
      }
      styles.push_back(style);
    }
    return styles;
  }

 private:
  bool in_cell_xfs_ = false;
  std::vector<std::pair<int, DateStyle>> custom_formats_;
  std::vector<int> xf_format_ids_;
};

// All shared strings in one buffer, so a big table costs its text and 8 bytes a string.
class SharedStrings {
 public:
  size_t size() const { return ends_.size(); }
  absl::string_view Get(size_t index) const {
    size_t begin = index == 0 ? 0 : ends_[index - 1];
    return absl::string_view(text_.data() + begin, ends_[index] - begin);
  }
  int64_t bytes() const { return text_.size() + ends_.size() * sizeof(uint64_t); }
  void Add(absl::string_view text) {
    text_.append(text.data(), text.size());
    ends_.push_back(text_.size());
  }

 private:
  std::string text_;
  std::vector<uint64_t> ends_;
};

class SharedStringsHandler : public XmlHandler {
 public:
  SharedStringsHandler(SharedStrings* strings, const Limits& limits)
      : strings_(strings), limits_(limits) {}

  void Start(absl::string_view name, const XML_Char** attributes) override {
    if (name == "si") {
      in_item_ = true;
      current_.clear();
    } else if (name == "rPh") {
      ++phonetic_depth_;  // phonetic guides (furigana/pinyin) are not part of the text
    } else if (name == "t" && in_item_ && phonetic_depth_ == 0) {
      in_text_ = true;
    }
  }
  void End(absl::string_view name) override {
    if (name == "t") {
      in_text_ = false;
    } else if (name == "rPh") {
      --phonetic_depth_;
    } else if (name == "si" && in_item_) {
      in_item_ = false;
      DecodeXmlStringEscapes(&current_);
      strings_->Add(current_);
      if (strings_->bytes() > limits_.max_shared_strings_bytes) {
        Fail(absl::ResourceExhaustedError(
            absl::StrCat("the workbook's shared text is larger than ",
                         ByteSize(limits_.max_shared_strings_bytes),
                         ", the most one import holds; split the sheet into smaller files")));
      }
    }
  }
  void Text(const char* data, int size) override {
    if (!in_text_) return;
    current_.append(data, size);
    if (static_cast<int64_t>(current_.size()) > limits_.max_cell_bytes) {
      Fail(absl::InvalidArgumentError(absl::StrCat("a text in the workbook is longer than ",
                                                   ByteSize(limits_.max_cell_bytes))));
    }
  }

 private:
  SharedStrings* strings_;
  const Limits limits_;
  bool in_item_ = false;
  bool in_text_ = false;
  int phonetic_depth_ = 0;
  std::string current_;
};

// ---------------------------------------------------------------------------------------
// Cell references and merged ranges

// "BC12" -> column 54 (0-based) and row 12; the row part may be missing.
bool ParseCellReference(absl::string_view ref, int* column, int64_t* row) {
  size_t i = 0;
  int col = 0;
  while (i < ref.size() && absl::ascii_isalpha(static_cast<unsigned char>(ref[i]))) {
    col = col * 26 + (absl::ascii_toupper(static_cast<unsigned char>(ref[i])) - 'A' + 1);
    if (col > kExcelMaxColumns) return false;
    ++i;
  }
  if (i == 0) return false;
  *column = col - 1;
  *row = 0;
  if (i < ref.size() && !absl::SimpleAtoi(ref.substr(i), row)) return false;
  return true;
}

struct MergedRange {
  int64_t first_row;
  int64_t last_row;
  int first_column;
  std::string ref;
};

class MergedRangesHandler : public XmlHandler {
 public:
  void Start(absl::string_view name, const XML_Char** attributes) override {
    if (name != "mergeCell") return;
    const char* ref = Attribute(attributes, "ref");
    if (ref == nullptr) return;
    std::vector<absl::string_view> corners = absl::StrSplit(ref, ':');
    int first_column, last_column;
    int64_t first_row, last_row;
    if (corners.size() != 2 || !ParseCellReference(corners[0], &first_column, &first_row) ||
        !ParseCellReference(corners[1], &last_column, &last_row) || first_row <= 0 ||
        last_row < first_row) {
      return;  // a range Excel could not have written; nothing to warn about
    }
    if (ranges.size() >= kMaxMergedRanges) {
      Fail(absl::ResourceExhaustedError(
          absl::StrCat("the sheet has more than ", kMaxMergedRanges, " merged ranges")));
      return;
    }
    ranges.push_back({first_row, last_row, std::min(first_column, last_column), ref});
  }

  std::vector<MergedRange> ranges;
};

// Inflating is cheap next to parsing: look for the word before parsing for ranges.
absl::StatusOr<bool> MentionsMergedCells(const ZipArchive& archive, const std::string& name,
                                         int64_t limit) {
  absl::StatusOr<std::unique_ptr<PartStream>> in = PartStream::Open(archive, name, limit);
  if (!in.ok()) return in.status();
  constexpr absl::string_view kWord = "mergeCell";
  std::string window(kWord.size() - 1 + kChunkBytes, '\0');
  size_t carried = 0;
  for (;;) {
    absl::StatusOr<size_t> n = (*in)->Read(window.data() + carried, kChunkBytes);
    if (!n.ok()) return n.status();
    if (*n == 0) return false;
    absl::string_view data(window.data(), carried + *n);
    if (data.find(kWord) != absl::string_view::npos) return true;
    carried = std::min(data.size(), kWord.size() - 1);
    std::memmove(window.data(), data.data() + data.size() - carried, carried);
  }
}

// Hands out, row by row (rows ascending), the merged ranges that cover the row.
class MergedRangeCursor {
 public:
  explicit MergedRangeCursor(std::vector<MergedRange> ranges) : ranges_(std::move(ranges)) {
    std::sort(ranges_.begin(), ranges_.end(),
              [](const MergedRange& a, const MergedRange& b) { return a.first_row < b.first_row; });
  }
  const std::vector<const MergedRange*>& Covering(int64_t row) {
    while (next_ < ranges_.size() && ranges_[next_].first_row <= row) {
      active_.push_back(&ranges_[next_++]);
    }
    std::erase_if(active_, [row](const MergedRange* r) { return r->last_row < row; });
    return active_;
  }

 private:
  std::vector<MergedRange> ranges_;
  size_t next_ = 0;
  std::vector<const MergedRange*> active_;
};

// ---------------------------------------------------------------------------------------
// The worksheet

enum class ValueType {
  kNumber,
  kSharedString,
  kInlineString,
  kFormulaString,
  kBool,
  kError,
  kDate
};

ValueType ValueTypeOf(const char* t) {
  if (t == nullptr) return ValueType::kNumber;
  absl::string_view type(t);
  if (type == "s") return ValueType::kSharedString;
  if (type == "inlineStr") return ValueType::kInlineString;
  if (type == "str") return ValueType::kFormulaString;
  if (type == "b") return ValueType::kBool;
  if (type == "e") return ValueType::kError;
  if (type == "d") return ValueType::kDate;
  return ValueType::kNumber;
}

// ISO 8601 ("2024-03-05T00:00:00") as YYYY-MM-DD, with the time when not midnight.
std::string IsoDateText(absl::string_view iso) {
  absl::string_view date = iso.substr(0, 10);
  if (iso.size() < 19 || iso[10] != 'T') return std::string(date);
  absl::string_view time = iso.substr(11, 8);
  if (time == "00:00:00") return std::string(date);
  return absl::StrCat(date, " ", time);
}

struct SheetContext {
  const SharedStrings* strings;
  const std::vector<DateStyle>* cell_styles;
  bool date1904;
  Limits limits;
};

class SheetHandler : public XmlHandler {
 public:
  SheetHandler(SheetContext context, std::vector<MergedRange> merged)
      : context_(std::move(context)), builder_(context_.limits), merged_(std::move(merged)) {}

  std::deque<Row>& rows() { return rows_; }

  void Start(absl::string_view name, const XML_Char** attributes) override {
    if (in_cell_) {
      if (name == "v") {
        capturing_ = true;
      } else if (name == "f") {
        has_formula_ = true;
      } else if (name == "is") {
        in_inline_ = true;
      } else if (name == "rPh") {
        ++phonetic_depth_;
      } else if (name == "t" && in_inline_ && phonetic_depth_ == 0) {
        capturing_ = true;
      }
    } else if (name == "c" && in_row_) {
      StartCell(attributes);
    } else if (name == "row") {
      StartRow(attributes);
    }
  }

  void End(absl::string_view name) override {
    if (in_cell_) {
      if (name == "v" || name == "t") {
        capturing_ = false;
      } else if (name == "is") {
        in_inline_ = false;
      } else if (name == "rPh") {
        --phonetic_depth_;
      } else if (name == "c") {
        EndCell();
      }
    } else if (name == "row" && in_row_) {
      EndRow();
    }
  }

  void Text(const char* data, int size) override {
    if (!capturing_) return;
    value_.append(data, size);
    if (static_cast<int64_t>(value_.size()) > context_.limits.max_cell_bytes) {
      Fail(absl::InvalidArgumentError(
          absl::StrCat("row ", row_number_, " column ", ColumnName(column_),
                       ": the value is longer than ", ByteSize(context_.limits.max_cell_bytes))));
    }
  }

 private:
  void StartRow(const XML_Char** attributes) {
    int64_t number = last_row_number_ + 1;
    if (const char* r = Attribute(attributes, "r"); r != nullptr) {
      if (!absl::SimpleAtoi(r, &number) || number <= 0) {
        return Fail(Damaged(absl::StrCat("bad row number \"", r, "\"")));
      }
    }
    if (number <= last_row_number_) {
      return Fail(Damaged(absl::StrCat("row ", number, " comes after row ", last_row_number_)));
    }
    in_row_ = true;
    row_number_ = number;
    last_column_ = -1;
    builder_.Start(number, &row_);
  }

  void EndRow() {
    in_row_ = false;
    last_row_number_ = row_number_;
    // Merged ranges only speak up on rows that hold something.
    if (builder_.HasContent()) {
      for (const MergedRange* range : merged_.Covering(row_number_)) {
        builder_.AddProblem(range->first_column,
                            absl::StrCat("part of the merged cells ", range->ref,
                                         "; unmerge them and fill in every cell"));
      }
    }
    absl::StatusOr<bool> keep = builder_.Finish();
    if (!keep.ok()) return Fail(keep.status());
    if (*keep) rows_.push_back(std::move(row_));
  }

  void StartCell(const XML_Char** attributes) {
    int column = last_column_ + 1;
    if (const char* r = Attribute(attributes, "r"); r != nullptr) {
      int64_t unused_row;
      if (!ParseCellReference(r, &column, &unused_row)) {
        return Fail(Damaged(absl::StrCat("bad cell reference \"", r, "\"")));
      }
    }
    if (column <= last_column_ || column >= kExcelMaxColumns) {
      return Fail(Damaged(absl::StrCat("cells out of order in row ", row_number_)));
    }
    in_cell_ = true;
    column_ = column;
    type_ = ValueTypeOf(Attribute(attributes, "t"));
    style_ = 0;
    if (const char* s = Attribute(attributes, "s"); s != nullptr && !absl::SimpleAtoi(s, &style_)) {
      style_ = 0;
    }
    has_formula_ = false;
    in_inline_ = false;
    capturing_ = false;
    phonetic_depth_ = 0;
    value_.clear();
  }

  void EndCell() {
    in_cell_ = false;
    last_column_ = column_;
    Cell cell;
    switch (type_) {
      case ValueType::kSharedString: {
        size_t index;
        if (!absl::SimpleAtoi(value_, &index) || index >= context_.strings->size()) {
          return Fail(Damaged(absl::StrCat("row ", row_number_, " column ", ColumnName(column_),
                                           " points at a missing shared string")));
        }
        cell.text = std::string(context_.strings->Get(index));
        cell.kind = CellKind::kString;
        break;
      }
      case ValueType::kInlineString:
      case ValueType::kFormulaString:
        DecodeXmlStringEscapes(&value_);
        cell.text = value_;
        cell.kind = CellKind::kString;
        break;
      case ValueType::kBool:
        if (!value_.empty()) {
          cell.kind = CellKind::kBool;
          cell.text = value_ == "1" || absl::EqualsIgnoreCase(value_, "true") ? "TRUE" : "FALSE";
        }
        break;
      case ValueType::kError:
        cell.kind = CellKind::kError;
        cell.text = value_;
        break;
      case ValueType::kDate:
        if (!value_.empty()) {
          cell.kind = CellKind::kDate;
          cell.text = IsoDateText(value_);
        }
        break;
      case ValueType::kNumber:
        if (!value_.empty()) NumberCell(&cell);
        break;
    }
    if (cell.text.empty() && cell.kind != CellKind::kError) cell.kind = CellKind::kEmpty;
    if (column_ < context_.limits.max_columns) {
      if (has_formula_) {
        cell.kind = CellKind::kFormula;
        builder_.AddProblem(column_,
                            "holds a formula; copy the column and paste it as values, then "
                            "import again");
      } else if (cell.kind == CellKind::kError) {
        builder_.AddProblem(
            column_, absl::StrCat("shows the error ", value_, "; correct or clear the cell"));
      }
    }
    builder_.Put(column_, std::move(cell));
  }

  void NumberCell(Cell* cell) {
    std::optional<std::string> text = NumberText(value_);
    if (!text) {
      cell->kind = CellKind::kString;  // not a number after all; keep what is there
      cell->text = value_;
      return;
    }
    const std::vector<DateStyle>& styles = *context_.cell_styles;
    DateStyle style = style_ >= 0 && static_cast<size_t>(style_) < styles.size() ? styles[style_]
                                                                                 : DateStyle::kNone;
    double serial;
    if (style != DateStyle::kNone && absl::SimpleAtod(value_, &serial)) {
      if (std::optional<std::string> date = SerialDateText(serial, style, context_.date1904)) {
        cell->kind = CellKind::kDate;
        cell->text = *std::move(date);
        return;
      }
    }
    cell->kind = CellKind::kNumber;
    cell->text = *std::move(text);
  }

  SheetContext context_;
  RowBuilder builder_;
  MergedRangeCursor merged_;
  std::deque<Row> rows_;
  Row row_;

  bool in_row_ = false;
  int64_t row_number_ = 0;
  int64_t last_row_number_ = 0;
  int last_column_ = -1;

  bool in_cell_ = false;
  int column_ = 0;
  ValueType type_ = ValueType::kNumber;
  int style_ = 0;
  bool has_formula_ = false;
  bool in_inline_ = false;
  bool capturing_ = false;
  int phonetic_depth_ = 0;
  std::string value_;
};

class XlsxReader : public RowReader {
 public:
  XlsxReader(std::unique_ptr<ZipArchive> archive, std::unique_ptr<SharedStrings> strings,
             std::vector<DateStyle> cell_styles, std::unique_ptr<PartStream> sheet, bool date1904,
             const Limits& limits, std::vector<MergedRange> merged)
      : archive_(std::move(archive)),
        strings_(std::move(strings)),
        cell_styles_(std::move(cell_styles)),
        sheet_(std::move(sheet)),
        handler_(SheetContext{strings_.get(), &cell_styles_, date1904, limits}, std::move(merged)),
        parser_(&handler_, sheet_->name()) {}

  absl::StatusOr<bool> Next(Row* row) override {
    std::deque<Row>& rows = handler_.rows();
    while (rows.empty()) {
      if (!status_.ok()) return status_;
      if (end_) return false;
      status_ = parser_.ParseChunk(sheet_.get(), &end_);
    }
    *row = std::move(rows.front());
    rows.pop_front();
    return true;
  }

 private:
  std::unique_ptr<ZipArchive> archive_;
  std::unique_ptr<SharedStrings> strings_;
  std::vector<DateStyle> cell_styles_;
  std::unique_ptr<PartStream> sheet_;
  SheetHandler handler_;
  XmlParser parser_;
  absl::Status status_;
  bool end_ = false;
};

// Says what a zip that is not a workbook is, when it can tell.
absl::Status NotAWorkbook(const ZipArchive& archive) {
  if (archive.Has("word/document.xml")) {
    return absl::InvalidArgumentError(
        "this is a Word document (.docx), not a spreadsheet; upload an .xlsx or .csv file");
  }
  if (archive.Has("ppt/presentation.xml")) {
    return absl::InvalidArgumentError(
        "this is a PowerPoint file (.pptx), not a spreadsheet; upload an .xlsx or .csv file");
  }
  if (archive.Has("xl/workbook.bin")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "this is a binary Excel workbook (.xlsb), which cannot be imported; ", kSaveAs));
  }
  if (archive.Has("mimetype") && archive.Has("content.xml")) {
    return absl::InvalidArgumentError(
        absl::StrCat("this is an OpenDocument file (.ods), which cannot be imported; ", kSaveAs));
  }
  return absl::InvalidArgumentError(
      "this is a zip archive but not an Excel workbook; upload an .xlsx or .csv file");
}

std::string DirectoryOf(const std::string& name) {
  size_t slash = name.rfind('/');
  return slash == std::string::npos ? "" : name.substr(0, slash + 1);
}

}  // namespace

absl::StatusOr<std::unique_ptr<RowReader>> OpenXlsx(const std::string& path, const Limits& limits) {
  if (absl::StatusOr<int64_t> size = CheckedFileSize(path, limits); !size.ok()) {
    return size.status();
  }
  // Say "not an .xlsx" for other files rather than "damaged zip".
  if (std::FILE* file = std::fopen(path.c_str(), "rb"); file != nullptr) {
    char magic[2] = {0, 0};
    size_t n = std::fread(magic, 1, sizeof(magic), file);
    std::fclose(file);
    if (n < 2 || magic[0] != 'P' || magic[1] != 'K') {
      return absl::InvalidArgumentError(
          "this is not an .xlsx file (an .xlsx file is a zip archive); upload an .xlsx or .csv "
          "file");
    }
  }
  absl::StatusOr<std::unique_ptr<ZipArchive>> opened = ZipArchive::Open(path);
  if (!opened.ok()) return opened.status();
  std::unique_ptr<ZipArchive> archive = *std::move(opened);

  // The package's root relationships name the workbook part.
  std::string workbook_name;
  if (archive->Has("_rels/.rels")) {
    RelationshipsHandler root("");
    if (absl::Status s = ParsePart(*archive, "_rels/.rels", limits.max_entry_bytes, &root);
        !s.ok()) {
      return s;
    }
    if (const Relationship* office = root.FindByType("/officeDocument")) {
      workbook_name = office->target;
    }
  }
  if (workbook_name.empty() || !archive->Has(workbook_name) ||
      !absl::EndsWithIgnoreCase(workbook_name, ".xml")) {
    if (!archive->Has("xl/workbook.xml")) return NotAWorkbook(*archive);
    workbook_name = "xl/workbook.xml";
  }
  const std::string base_dir = DirectoryOf(workbook_name);
  const std::string rels_name =
      absl::StrCat(base_dir, "_rels/", workbook_name.substr(base_dir.size()), ".rels");

  WorkbookHandler workbook;
  if (absl::Status s = ParsePart(*archive, workbook_name, limits.max_entry_bytes, &workbook);
      !s.ok()) {
    return s;
  }
  if (workbook.root != "workbook") return NotAWorkbook(*archive);
  RelationshipsHandler parts(base_dir);
  if (!archive->Has(rels_name)) return Damaged(absl::StrCat(rels_name, " is missing"));
  if (absl::Status s = ParsePart(*archive, rels_name, limits.max_entry_bytes, &parts); !s.ok()) {
    return s;
  }

  // The first visible worksheet (chart sheets and hidden sheets are passed over).
  const Relationship* sheet = nullptr;
  for (const SheetEntry& entry : workbook.sheets) {
    const Relationship* r = parts.FindById(entry.relationship_id);
    if (entry.visible && r != nullptr && absl::EndsWith(r->type, "/worksheet")) {
      sheet = r;
      break;
    }
  }
  if (sheet == nullptr) {
    return absl::InvalidArgumentError("the workbook has no worksheet with rows to import");
  }

  std::vector<DateStyle> cell_styles;
  if (const Relationship* styles = parts.FindByType("/styles");
      styles != nullptr && archive->Has(styles->target)) {
    StylesHandler handler;
    if (absl::Status s = ParsePart(*archive, styles->target, limits.max_entry_bytes, &handler);
        !s.ok()) {
      return s;
    }
    cell_styles = handler.CellStyles();
  }

  auto strings = std::make_unique<SharedStrings>();
  if (const Relationship* shared = parts.FindByType("/sharedStrings");
      shared != nullptr && archive->Has(shared->target)) {
    SharedStringsHandler handler(strings.get(), limits);
    if (absl::Status s = ParsePart(*archive, shared->target, limits.max_entry_bytes, &handler);
        !s.ok()) {
      return s;
    }
  }

  MergedRangesHandler merged;
  absl::StatusOr<bool> mentions =
      MentionsMergedCells(*archive, sheet->target, limits.max_entry_bytes);
  if (!mentions.ok()) return mentions.status();
  if (*mentions) {
    if (absl::Status s = ParsePart(*archive, sheet->target, limits.max_entry_bytes, &merged);
        !s.ok()) {
      return s;
    }
  }

  absl::StatusOr<std::unique_ptr<PartStream>> stream =
      PartStream::Open(*archive, sheet->target, limits.max_entry_bytes);
  if (!stream.ok()) return stream.status();
  return std::make_unique<XlsxReader>(std::move(archive), std::move(strings),
                                      std::move(cell_styles), *std::move(stream), workbook.date1904,
                                      limits, std::move(merged.ranges));
}

}  // namespace qq::spreadsheet

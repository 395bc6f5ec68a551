// qq-make-import-sample DIR: writes DIR/customers-import.xlsx and DIR/customers-import.csv,
// the sample customer list the README's import demo uploads. A water station's list as
// typed by hand: phones partly typed as numbers, tags separated by commas or 、, and two
// rows with mistakes (a phone one digit short, a missing name) so the demo shows row errors.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/customer/spreadsheet/xlsx_writer.h"

namespace {

struct SampleCustomer {
  const char* name;
  const char* phone;
  bool phone_typed_as_number;  // Excel turns a typed mobile number into a number
  const char* address;
  const char* tags;
  int tickets;
  const char* notes;
};

const SampleCustomer kCustomers[] = {
    {"张伟", "13912345678", true, "上海市浦东新区张杨路 500 弄 3 号 402 室",
     "高层无电梯,下午3点后送", 20, "老客户，每周一桶"},
    {"王芳", "13801762345", true, "上海市浦东新区世纪大道 1168 号 B 座 1203 室", "办公室", 50,
     "前台签收，周末不送"},
    {"李娜", "021-62345678", false, "上海市静安区延安中路 841 号 2 楼", "办公室、月结", 100, ""},
    {"刘洋", "15921873456", true, "上海市徐汇区漕溪北路 88 号 15 楼", "", 10, "电话先联系"},
    {"陈静", "18616289012", false, "上海市闵行区七莘路 3588 弄 12 号 601 室", "高层无电梯", 5,
     "家里有老人，轻敲门"},
    {"杨磊", "13764218890", true, "上海市杨浦区国定路 335 号 3 号楼 508 室", "学生宿舍,晚上送", 8,
     ""},
    {"赵敏", "021-54367890", false, "上海市长宁区天山路 600 弄 5 号 101 室", "一楼,押桶 2 个", 12,
     "小区东门进"},
    {"黄晓明", "13524567781", true, "上海市普陀区真北路 2167 号 1 号楼 902 室", "", 30, ""},
    {"周杰", "17721345566", false, "上海市宝山区牡丹江路 1211 号 803 室", "下午3点后送", 6, ""},
    {"吴雪", "13661987654", true, "上海市浦东新区锦绣路 2580 弄 7 号 1502 室", "高层有电梯、VIP",
     40, "送两桶放门口"},
    {"徐强", "18917654321", false, "上海市黄浦区南京东路 299 号 6 楼 602", "商户,月结", 200,
     "开票抬头：徐强商行"},
    {"孙丽", "15000876543", true, "上海市嘉定区城中路 138 号 4 幢 301 室", "", 4, ""},
    {"马超", "13310245678", false, "上海市松江区人民北路 2265 号 11 号楼 1001 室", "高层无电梯", 15,
     ""},
    {"朱琳", "021-64789012", false, "上海市徐汇区肇嘉浜路 1065 号 甲 座 18 楼",
     "办公室、月结、发票", 80, "联系人：朱小姐"},
    {"胡斌", "18221456789", true, "上海市青浦区华新镇华志路 1688 号", "郊区,周三送", 25, ""},
    {"郭靖", "13472345612", false, "上海市浦东新区川沙路 5558 弄 20 号 202 室", "", 3, ""},
    {"何欢", "1391234567", false, "上海市虹口区四川北路 1688 号 1205 室", "下午3点后送", 10,
     "电话少一位（示例错误行）"},
    {"林峰", "15618923456", true, "上海市浦东新区周浦镇年家浜路 500 弄 9 号 502 室",
     "高层无电梯,押桶 1 个", 18, ""},
    {"罗敏", "13917789900", false, "上海市闵行区虹井路 120 弄 32 号", "别墅,门卫代收", 60,
     "\"门卫处\"签收"},
    {"高翔", "18801923344", true, "上海市浦东新区张江高科碧波路 690 号 2 号楼 4 楼", "办公室", 120,
     ""},
    {"", "13651889012", false, "上海市静安区西康路 757 号 5 楼", "办公室", 30,
     "姓名漏填（示例错误行）"},
    {"梁红", "021-33456789", false, "上海市长宁区仙霞路 99 号 12 楼 1203", "月结", 90, ""},
    {"宋佳", "15821567890", true, "上海市浦东新区东方路 1365 号 6 号楼 801 室", "高层有电梯", 9,
     "早上 9 点前送\n周日休息"},
    {"谢娟", "13585671234", false, "上海市普陀区武宁路 505 号 3 楼", "", 7, ""},
    {"韩冰", "17317896543", true, "上海市宝山区友谊路 1588 弄 15 号 1101 室",
     "高层无电梯、下午3点后送", 11, ""},
    {"唐亮", "18019876521", false, "上海市杨浦区五角场淞沪路 8 号 2203 室", "", 22, ""},
    {"冯雪梅", "13916543210", true, "上海市浦东新区花木路 1100 弄 6 号 301 室", "老人独居,上楼帮放",
     14, "女儿代付：13916543211"},
    {"曹操", "021-58761234", false, "上海市浦东新区金桥路 939 号 甲 3 楼", "工厂,月结", 300,
     "仓库门口卸货"},
};

// A CSV field as Excel's "CSV UTF-8" writes it: quoted when it holds a comma, quote or
// line break, with quotes doubled.
std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const std::vector<std::string> header = {"姓名", "电话", "地址", "标签", "水票", "备注"};

  const std::string xlsx_path = dir + "/customers-import.xlsx";
  absl::StatusOr<std::unique_ptr<qq::spreadsheet::XlsxWriter>> writer =
      qq::spreadsheet::XlsxWriter::Open(xlsx_path, "客户");
  if (!writer.ok()) {
    std::fprintf(stderr, "%s\n", writer.status().ToString().c_str());
    return 1;
  }
  absl::Status status = (*writer)->WriteHeader(header);
  using qq::spreadsheet::CellValue;
  for (const SampleCustomer& c : kCustomers) {
    if (!status.ok()) break;
    status = (*writer)->WriteRow({
        CellValue::Text(c.name),
        c.phone_typed_as_number ? CellValue::Number(std::stod(c.phone)) : CellValue::Text(c.phone),
        CellValue::Text(c.address),
        CellValue::Text(c.tags),
        CellValue::Number(c.tickets),
        CellValue::Text(c.notes),
    });
  }
  if (status.ok()) status = (*writer)->Close();
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", status.ToString().c_str());
    return 1;
  }

  // UTF-8 with a BOM and CRLF line ends, as Excel's "CSV UTF-8" saves it.
  const std::string csv_path = dir + "/customers-import.csv";
  std::ofstream csv(csv_path, std::ios::binary | std::ios::trunc);
  csv << "\xEF\xBB\xBF";
  for (size_t i = 0; i < header.size(); ++i) csv << (i ? "," : "") << header[i];
  csv << "\r\n";
  for (const SampleCustomer& c : kCustomers) {
    csv << CsvField(c.name) << ',' << CsvField(c.phone) << ',' << CsvField(c.address) << ','
        << CsvField(c.tags) << ',' << c.tickets << ',' << CsvField(c.notes) << "\r\n";
  }
  csv.close();
  if (!csv) {
    std::fprintf(stderr, "cannot write %s\n", csv_path.c_str());
    return 1;
  }
  std::printf("wrote %s and %s (%zu customers)\n", xlsx_path.c_str(), csv_path.c_str(),
              std::size(kCustomers));
  return 0;
}

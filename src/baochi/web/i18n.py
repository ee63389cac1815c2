"""Vietnamese first, English on request: the interface's words, keyed by their Vietnamese text,
and numbers written as each language writes them.

A template writes `{{ _("Tổng quan") }}`; with English chosen it reads the catalogue below, and a
phrase missing from it stays Vietnamese rather than failing. The shell's phrases are here; each
area keeps its own beside its templates (`<area>/templates/en.json`), added when the app loads it.

Vietnamese has no plural, English has: a word that counts things, or an entity's name that means
one entry or the whole list, has two English forms, for one and for more (`["article",
"articles"]`). `_` gives the form for more; `_n("bài", count)` the form its count wants, and
`_n(text, 1)` names one entry.

A message with dynamic parts is a format template keyed here by its Vietnamese, translated first
and then filled (a `Sayable`, such as baochi.phrase.Phrase); templates show one with the
`said` filter.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, runtime_checkable

from fastapi import Request

from baochi.numbers import vi_figure, vi_number
from baochi.search.errors import MESSAGES as QUERY_MISTAKES

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
DEFAULT = "vi"
COOKIE = "baochi_lang"

# A phrase's English: one text, or [for one, for more] (see above).
English = str | list[str]

EN: dict[str, English] = {
    # navigation
    "Tổng quan": "Overview",
    "Tìm kiếm": "Search",
    "Nguồn tin": "Sources",
    "Cảnh báo": "Alerts",
    "Cơ quan báo chí": ["Press agency", "Press agencies"],
    "Chỉ tiêu": "Targets",
    "Báo cáo": "Reports",
    "Quản trị": "Admin",
    "Tài khoản": "Account",
    "Đăng nhập": "Sign in",
    "Đăng xuất": "Sign out",
    # login
    "Tên đăng nhập": "Username",
    "Mật khẩu": "Password",
    "Sai tên đăng nhập hoặc mật khẩu.": "Wrong username or password.",
    "Quá nhiều lần đăng nhập sai. Vui lòng thử lại sau 15 phút.": (
        "Too many failed sign-ins. Please try again in 15 minutes."
    ),
    "Hệ thống theo dõi báo chí của thành phố": "The city's press monitoring system",
    # dashboard
    "Bài viết hôm qua": "Articles yesterday",
    "Hôm nay đến": "Today until",
    "thường": "usually",
    "đến giờ này": "by this time",
    "giờ Hà Nội": "Hà Nội time",
    "so với trung bình 7 ngày trước": "against the average of the 7 days before",
    "Bài viết 30 ngày qua": "Articles in the last 30 days",
    "30 ngày": "30 days",
    "Không có bài nào đang được gắn cờ.": "No article is flagged now.",
    "bài khác được gắn cờ": "more flagged articles",
    "Nội dung vừa gửi (chưa được lưu), để chép lại:": "What you sent (not saved), to copy:",
    "Nội dung vừa gửi": "What you sent",
    "Tệp cần chọn lại:": "Files to choose again:",
    "Tệp xuất có": "The export holds the",
    "kết quả đầu": "first results",
    "7 ngày": "7 days",
    "AND (hoặc để trống), OR, NOT và ngoặc đơn.": "AND (or nothing), OR, NOT and parentheses.",
    "Cài đặt được đổi trong tệp TOML": "Settings are changed in the TOML file",
    "(trống)": "(empty)",
    "mặc định:": "default:",
    "Trường:": "Fields:",
    "bài": ["article", "articles"],
    "bảng": "table",
    "chỉ các hồ sơ giao cho phòng ban của mình, và trả lời chúng.": (
        "only the cases given to their department, and answering them."
    ),
    "chỉ xem: tổng quan, bài viết, báo cáo; không sửa gì.": (
        "reads only: overview, articles, reports; changes nothing."
    ),
    "hoặc biến môi trường": "or the environment variables",
    "không khớp với": "does not match",
    "Lỗi": "Failing",
    "lỗi liên tiếp": ["failure in a row", "failures in a row"],
    "mọi từ đều phải có; có dấu hay không dấu đều được": (
        "every word must appear; with or without diacritics"
    ),
    (
        "người dùng, phòng ban, cài đặt, nhật ký, sổ đăng ký cơ quan báo chí, "
        "và mọi quyền của chuyên viên."
    ): "users, departments, settings, the log, the press registry, and all an analyst may do.",
    "rồi khởi động lại.": "then restart.",
    "so theo nguyên âm tiết:": "matched by whole syllables:",
    "tiêu đề": "title",
    "toàn bộ giám sát: tìm kiếm, nguồn tin, cảnh báo, sửa nhãn, gắn cờ, mở và điều phối hồ sơ.": (
        "all the monitoring: search, sources, alerts, corrections, flags, opening and routing"
        " cases."
    ),
    "tỉnh, thành phố; cả quận, phường, xã nêu ở tiêu đề, sa-pô:": (
        "province or city; also districts, wards and communes named in the title or lead:"
    ),
    "Ít bài bất thường": "Unusually quiet",
    "đúng cụm từ, theo thứ tự.": "the exact phrase, in order.",
    "đúng dấu như đã gõ.": "diacritics exactly as typed.",
    "Số bài theo ngày": "Articles per day",
    "Báo đăng nhiều nhất (7 ngày)": "Most active outlets (7 days)",
    "Sắc thái": "Tone",
    "Tiêu cực": "Negative",
    "Trung tính": "Neutral",
    "Tích cực": "Positive",
    "Chủ đề": "Topic",
    # topics (baochi.labels)
    "Chính trị": "Politics",
    "Kinh tế": "Economy",
    "Pháp luật": "Law",
    "Xã hội": "Society",
    "Đô thị": "Urban affairs",
    "Giáo dục": "Education",
    "Sức khỏe": "Health",
    "Văn hóa, giải trí": "Culture, entertainment",
    "Thể thao": "Sports",
    "Thế giới": "World",
    "Khoa học, công nghệ": "Science, technology",
    "Đời sống": "Living",
    "Địa điểm": "Place",
    "toàn quốc": "nationwide",
    "nước ngoài": "abroad",
    "không rõ": "unknown",
    "Địa danh trong bài": "Places in the article",
    "Địa bàn": "Where",
    "cũ": "former",
    "tên của nhiều nơi": "a name several places share",
    "nay là": "now",
    "Quận, phường, xã": "District, ward, commune",
    "Mới về Hà Nội hôm nay": "New about Hà Nội today",
    "Chuỗi tin đang nổi": "Rising stories",
    "Cần chú ý": "Needs attention",
    "Bài mới": "New articles",
    "Tăng đột biến": "Spike",
    "Mâu thuẫn": "Conflict",
    "điểm mâu thuẫn": ["point of disagreement", "points of disagreement"],
    "Mọi chuỗi tin có thông tin mâu thuẫn": "Every story with conflicting reports",
    "Hồ sơ sắp đến hạn": "Cases due soon",
    "Không có hồ sơ nào sắp đến hạn.": "No case is due soon.",
    "quá hạn": "overdue by",
    "hạn hôm nay": "due today",
    "còn": "due in",
    "ngày": ["day", "days"],
    "Nguồn tin gặp lỗi": "Failing sources",
    "Bài được gắn cờ": "Flagged articles",
    "Chưa có dữ liệu.": "No data yet.",
    "Chưa có bài nào về Hà Nội hôm nay.": "Nothing about Hà Nội yet today.",
    "Mọi nguồn tin đều hoạt động.": "Every source is working.",
    # search
    "Cú pháp tìm kiếm": "Query syntax",
    "Kết quả": "Result",
    "kết quả": "results",
    "ước tính; đếm đủ": "estimated; counted",
    "trong": "in the",
    "bài mới nhất, các nhóm bên cạnh cũng vậy": "newest documents, as are the facets",
    "Không tìm thấy bài nào.": "No article found.",
    "Lưu thành danh sách theo dõi": "Save as a watchlist",
    "Xuất CSV": "Export CSV",
    "Xuất Excel": "Export Excel",
    "đã xem": "seen",
    "Theo báo": "By outlet",
    "Theo ngày": "By day",
    "Nhập từ khoá, có dấu hoặc không dấu": "Type words, with or without diacritics",
    # documents
    "Bài viết": "Article",
    "Báo": "Outlet",
    "Tiêu đề": "Title",
    "Mã": "Code",
    "Ngày đăng": "Published",
    "Ngày thu thập": "Fetched",
    "Xem bài gốc": "Open the original",
    "Nhãn": "Labels",
    "Sửa nhãn": "Correct a label",
    "Lưu": "Save",
    "Lịch sử sửa nhãn": "Label history",
    "Gắn cờ": "Flag",
    "đã xử lý": "handled",
    "và %d hồ sơ khác sắp đến hạn": "and %d more cases due soon",
    "Đã xử lý: gỡ cờ khỏi Tổng quan": "Handled: take the flags off the overview",
    "Gỡ cờ (đã xử lý)": "Flags handled",
    "Ghi chú": "Note",
    "chưa có": "none",
    "bởi": "by",
    "máy": "model",
    # sources
    "Thêm nguồn tin": "Add a source",
    "Tự nhận biết": "Detect automatically",
    "RSS/Atom": "RSS/Atom",
    "Sitemap": "Sitemap",
    "Trang chuyên mục": "Section page",
    "Đã thêm nguồn tin: bộ thu thập tải nó ở lượt kế tiếp.": (
        "Source added: the collector fetches it on its next pass."
    ),
    "Nguồn tin này đã có trong danh sách: không thêm lần nữa.": (
        "This source is already listed: not added again."
    ),
    "Đã lưu vai trò và phòng ban của người dùng.": "The user's role and department are saved.",
    "Đã khoá tài khoản: người này không đăng nhập được nữa.": (
        "Account locked: this person can no longer sign in."
    ),
    "Đã mở khoá tài khoản.": "Account unlocked.",
    "Đã thêm phòng ban.": "Department added.",
    "Đã lưu tên phòng ban.": "Department name saved.",
    "Đã gộp phòng ban: người dùng và hồ sơ chưa đóng đã chuyển sang.": (
        "Departments merged: users and open cases moved over."
    ),
    "Đã ghi số liệu của kỳ báo cáo.": "The period's figure is recorded.",
    "Đã nhập văn bản chỉ đạo từ tệp.": "The directive was imported from the file.",
    "Địa chỉ": "Address",  # of a press agency's office
    "Địa chỉ web": "URL",
    "Loại": "Kind",
    "Lần thành công cuối": "Last success",
    "Lỗi liên tiếp": "Consecutive failures",
    "Lỗi gần nhất": "Last error",
    "24 giờ": "24 h",
    "Hôm nay, từ 0 giờ": "Today, since midnight",
    "Bình thường/ngày": "Normal per day",
    "Trung bình/ngày, 7 ngày trước": "Daily mean, the 7 days before",
    "Đang chạy": "Running",
    "Chưa tải lần nào": "Not fetched yet",
    "Quá hạn thu thập": "Overdue",
    "Không có bài mới": "No new articles",
    "Trang không trả lời kịp": "The site did not answer in time",
    "Không kết nối được tới trang": "The site could not be reached",
    "robots.txt của trang không cho thu thập địa chỉ này": "The site's robots.txt forbids it",
    "Không đọc được robots.txt của trang": "The site's robots.txt could not be read",
    "Địa chỉ không trả về RSS, sitemap hay trang tin": "Not an RSS feed, sitemap or news page",
    "RSS hỏng, không đọc được": "Broken RSS feed",
    "Sitemap hỏng, không đọc được": "Broken sitemap",
    "Trang trả về quá lớn": "The answer is too large",
    "Trang chuyển hướng vòng quanh": "The site redirects in a loop",
    "Trang chuyển hướng quá nhiều lần": "The site redirects too many times",
    "Địa chỉ trong mạng nội bộ: không được thu thập": "An internal address: not collected",
    "Địa chỉ «{url}» không dùng được: cần http:// hoặc https://, một tên miền và cổng hợp lệ, "
    "không kèm tên đăng nhập hay mật khẩu.": (
        "The address «{url}» cannot be used: it needs http:// or https://, a valid domain name"
        " and port, and no user name or password."
    ),
    "Địa chỉ «{url}» là {what}: baochi không tải trang trong mạng nội bộ.": (
        "The address «{url}» is {what}: baochi fetches no page inside the network."
    ),
    "Cần tên cơ quan báo chí và một loại nguồn trong danh sách.": (
        "An outlet's name and a kind of source from the list are needed."
    ),
    "địa chỉ dịch vụ metadata của máy chủ đám mây": "the cloud server's metadata address",
    "địa chỉ nội bộ (loopback)": "an internal (loopback) address",
    "địa chỉ nội bộ (link-local)": "an internal (link-local) address",
    "địa chỉ mạng riêng": "a private network address",
    "địa chỉ multicast": "a multicast address",
    "địa chỉ dành riêng": "a reserved address",
    "địa chỉ không xác định": "an unspecified address",
    "địa chỉ không ra được Internet": "an address that does not reach the Internet",
    "Địa chỉ trả về một trang web, không phải RSS": "A web page, not an RSS feed",
    "Trang chuyển hướng mà không nói tới đâu, hoặc tới một địa chỉ hỏng": (
        "The site redirects without saying where, or to a broken address"
    ),
    "Địa chỉ hỏng, không gửi được yêu cầu": "A broken address: no request could be sent",
    "Không phải địa chỉ web (http, https): không được thu thập": (
        "Not a web address (http, https): not collected"
    ),
    "Trang nén hỏng, không giải nén được": "The site's compressed answer is broken",
    "Trang nén theo cách không đọc được": "The site compresses its answer in a way not read here",
    "Địa chỉ không trả về trang web": "Not a web page",
    "Dữ liệu nền tảng trả về hỏng, không đọc được": "The platform's answer is broken",
    "Nền tảng mạng xã hội không trả lời hoặc từ chối yêu cầu": (
        "The social network does not answer or refuses the request"
    ),
    "Trang danh sách tin, không phải một bài": "A list of news, not an article",
    "Không tìm thấy nội dung bài": "No article text found",
    "Không tìm thấy tiêu đề bài": "No article title found",
    "Bài quá ngắn": "The article is too short",
    "Trang quá nặng: trích xuất bài quá thời gian cho phép": (
        "The page is too heavy: extracting its article took longer than allowed"
    ),
    "Tiến trình trích xuất bài bị dừng đột ngột (có thể do thiếu bộ nhớ)": (
        "The extraction process stopped abruptly (perhaps out of memory)"
    ),
    "Lỗi của bộ thu thập (đã ghi vào nhật ký): sẽ thử lại ở lần sau": (
        "A fault of the collector (logged): it is tried again next time"
    ),
    "Trang từ chối truy cập: có thể đang chặn bộ thu thập": (
        "The site refuses access: it may be blocking the collector"
    ),
    "Không còn địa chỉ này: nguồn tin có thể đã đổi địa chỉ": (
        "The address is gone: the source may have moved"
    ),
    "Trang đề nghị thu thập chậm lại: sẽ chờ rồi thử lại": (
        "The site asks to slow down: it will be tried again later"
    ),
    "Trang từ chối yêu cầu": "The site refuses the request",
    "Máy chủ của trang đang lỗi hoặc quá tải (hay lớp chống bot)": (
        "The site's server is failing or overloaded (or an anti-bot layer)"
    ),
    "nguồn không có bài mới": "sources with no new articles",
    "chưa lấy được bài nào": "none collected yet",
    "Bài mới gần nhất": "Last new article",
    "kể từ": "since",
    "nguồn quá hạn thu thập: bộ thu thập có đang chạy?": [
        "source overdue: is the collector running?",
        "sources overdue: is the collector running?",
    ],
    "nguồn đã quá giờ thu thập hơn": [
        "source is overdue by more than",
        "sources are overdue by more than",
    ],
    "giờ: bộ thu thập (baochi worker hoặc baochi run) có đang chạy không?": [
        "hour: is the collector (baochi worker or baochi run) running?",
        "hours: is the collector (baochi worker or baochi run) running?",
    ],
    "Đã tắt": "Disabled",
    "Tắt": "Disable",
    "Bật lại": "Enable",
    "Thu thập ngay": "Poll now",
    "Lần thu thập tới": "Next poll",
    "Thêm": "Add",
    "Tình trạng": "Status",
    # alerts
    "Danh sách theo dõi": ["Watchlist", "Watchlists"],
    "Cảnh báo gần đây": "Recent alerts",
    "Truy vấn": "Query",
    "Tên": "Name",
    # an alert's reason and subject (baochi.watch.wording)
    "{count} bài mới khớp danh sách theo dõi «{query}»": [
        "{count} new article matches the watchlist «{query}»",
        "{count} new articles match the watchlist «{query}»",
    ],
    "24 giờ qua": "Last 24 hours",
    "1 giờ qua": "Last hour",
    "giờ trước": ["hour before", "hours before"],
    "khoảng": ["period", "periods"],
    "độ lệch chuẩn {sd}": "standard deviation {sd}",
    "độ lệch chuẩn {sd}, tính tối thiểu {min_sd}": (
        "standard deviation {sd}, counted as at least {min_sd}"
    ),
    (
        "{window}: {count} {items}, trung bình {baseline} {unit}: {mean} ({sd}); "
        "ngưỡng {threshold} = trung bình + {k} × độ lệch chuẩn"
    ): (
        "{window}: {count} {items}, mean of {baseline} {unit}: {mean} ({sd}); "
        "threshold {threshold} = mean + {k} × standard deviation"
    ),
    "chưa đủ {least} {items} nên không cảnh báo": "fewer than {least} {items}, so no alert",
    "bài đăng, bình luận": ["post or comment", "posts and comments"],
    (
        "24 giờ qua: {count} bài, trung bình {days} ngày: {mean} (độ lệch chuẩn {sd}); dưới "
        "{percent}% mức thường lệ: có thể là lỗi thu thập, không phải chủ đề lắng xuống"
    ): [
        "Last 24 hours: {count} article, mean of {days} days: {mean} (standard deviation {sd}); "
        "under {percent}% of the usual: likely a collection fault, not a topic gone quiet",
        "Last 24 hours: {count} articles, mean of {days} days: {mean} (standard deviation {sd}); "
        "under {percent}% of the usual: likely a collection fault, not a topic gone quiet",
    ],
    "nguồn: chưa có nguồn thu thập nào được đăng ký": "sources: none registered for collection",
    "nguồn: {parts}": "sources: {parts}",
    "{count} nguồn": ["{count} source", "{count} sources"],
    "{count} đang tắt ({reasons})": "{count} turned off ({reasons})",
    "không rõ lý do": "no reason given",
    "{count} lần lỗi liên tiếp, lỗi cuối: {error}": [
        "{count} failure in a row, last error: {error}",
        "{count} failures in a row, last error: {error}",
    ],
    "không ghi nhận lỗi: kiểm tra trang có đổi cấu trúc hoặc chặn bot không": (
        "no error recorded: check whether the site changed its layout or blocks bots"
    ),
    "bài mới gần nhất lấy về lúc {at}": "newest article fetched at {at}",
    "Nguồn chính thức bị mâu thuẫn": "An official source is contradicted",
    "Thông tin trái chiều": "Conflicting reports",
    "{lead}: {ours} và {theirs}": "{lead}: {ours} and {theirs}",
    "{outlet}, nguồn chính thức": "{outlet}, official source",
    "và {more} chỗ trái chiều khác": [
        "and {more} more conflicting pair",
        "and {more} more conflicting pairs",
    ],
    "chủ đề": "topic",
    "địa danh": "place",
    "địa bàn": "district or ward",
    "chuỗi tin": "story",
    "kênh mạng xã hội": "social channel",  # baochi.social.signals
    "mạng xã hội": "social network",
    # admin
    "Người dùng": "Users",
    "Phòng ban": ["Department", "Departments"],
    "Vai trò": "Role",
    "Cài đặt": "Settings",
    "Nhật ký": "Audit log",
    "Quản trị viên": "Administrator",
    "Chuyên viên phân tích": "Analyst",
    "Cán bộ sở, ngành": "Department officer",
    "Lãnh đạo": "Leader",
    "Hoạt động": "Active",
    "Đã khoá": "Locked",
    "Khoá": "Lock",
    "Mở khoá": "Unlock",
    "Thêm người dùng": "Add a user",
    "Thêm phòng ban": "Add a department",
    "Đổi tên": "Rename",
    "Câu tìm kiếm": "Search query",
    "Mọi người": "Everyone",
    "Mọi hành động": "Every action",
    "Sửa danh sách theo dõi": "Watchlist edited",
    "Đổi tên giữ nguyên người dùng và hồ sơ của phòng ban.": (
        "Renaming keeps the department's users and cases."
    ),
    "Đổi tên phòng ban": "Department renamed",
    "Gộp phòng ban": "Departments merged",
    "Đã gộp vào": "Merged into",
    "Gộp vào phòng ban khác": "Merge into another department",
    "Phòng ban nhận": "Receiving department",
    "Gộp": "Merge",
    "Chuyển người dùng và hồ sơ chưa đóng sang; hồ sơ đã đóng giữ tên cũ.": (
        "Move its users and unclosed cases there; closed cases keep the old name."
    ),
    "Gộp chuyển người dùng, hồ sơ chưa đóng, danh sách theo dõi và quy tắc cảnh báo": (
        "Merging moves the users, unclosed cases, watchlists and alert rules"
    ),
    "sang phòng ban nhận; hồ sơ đã đóng giữ tên phòng ban cũ.": (
        "to the receiving department; closed cases keep the old department's name."
    ),
    "Tên hiển thị": "Display name",
    "Thời điểm": "When",
    "Người thực hiện": "Who",
    "Hành động": "Action",
    "Đối tượng": "Entity",
    "Thay đổi": "Changes",
    "Đổi vai trò, phòng ban hoặc trạng thái": "Change role, department or status",
    "Đổi mật khẩu": "Change password",
    "Đặt lại mật khẩu": "Reset password",
    "Tạo mã truy cập API": "Create an API token",
    "Thu hồi mã truy cập API": "Revoke an API token",
    "Bật nguồn tin": "Enable a source",
    "Tắt nguồn tin": "Disable a source",
    "Thêm danh sách theo dõi": "Add a watchlist",
    "Giá trị": "Value",
    "Mô tả": "Description",
    # a yes/no value: a register's flag, a field in the audit log
    "có": "yes",
    "không": "no",
    # account
    "Mã truy cập API": "API tokens",
    "Tạo mã mới": "Create a token",
    "Thu hồi": "Revoke",
    "Đã thu hồi": "Revoked",
    "Dùng lần cuối": "Last used",
    "Hiệu lực": "Valid for",
    "Hiệu lực đến": "Valid until",
    "Đã hết hạn": "Expired",
    "Ngày tạo": "Created",
    "Sao chép mã này ngay: nó sẽ không hiện lại.": (
        "Copy this token now: it will not be shown again."
    ),
    "Ngôn ngữ": "Language",
    "Mật khẩu hiện tại": "Current password",
    "Mật khẩu mới (ít nhất 10 ký tự)": "New password (at least 10 characters)",
    # errors
    "Bạn không có quyền xem trang này.": "You may not see this page.",
    "Không tìm thấy trang.": "Page not found.",
    "Đã có lỗi ở máy chủ; lỗi đã được ghi lại. Vui lòng thử lại sau.": (
        "Something went wrong on the server; it has been logged. Please try again later."
    ),
    "Yêu cầu không hợp lệ.": "Invalid request.",
    # a form or query the app cannot read: its fields as the form sends them (baochi.web.app)
    "Yêu cầu không hợp lệ: {problems}.": "Invalid request: {problems}.",
    "thiếu {fields}": ["missing the field {fields}", "missing the fields {fields}"],
    "giá trị không hợp lệ ở {fields}": [
        "an invalid value in {fields}",
        "invalid values in {fields}",
    ],
    # a spreadsheet that cannot be read (baochi.tables), as every import says it
    "không đọc được CSV ở dòng {line}: {reason}": (
        "the CSV file cannot be read at line {line}: {reason}"
    ),
    "không đọc được tệp Excel: tệp không phải bảng tính Excel (.xlsx) hợp lệ": (
        "the Excel file cannot be read: it is not a valid Excel workbook (.xlsx)"
    ),
    "không đọc được tệp Excel: giải nén ra {size} MB, quá {limit} MB": (
        "the Excel file cannot be read: it unpacks to {size} MB, over {limit} MB"
    ),
    # what an area's refusal says was not found (the error page writes it as a sentence)
    "không tìm thấy hồ sơ": "Case not found",
    "không tìm thấy tệp": "File not found",
    "không tìm thấy bài báo này trong hồ sơ": "This article is not part of the case",
    "không tìm thấy chuỗi tin": "Story not found",
    "không có chỉ số này": "No such indicator",
    "Không có lần nhập này.": "No such import.",
    "Ngày không hợp lệ: ghi ngày/tháng/năm, ví dụ 28/11/2026.": (
        "Not a valid date: write day/month/year, e.g. 28/11/2026."
    ),
    "Ngày không được sau %s.": "The date cannot be after %s.",
    "Ngày không được trước %s.": "The date cannot be before %s.",
    "Phiên làm việc đã hết hạn, vui lòng tải lại trang.": (
        "Your session has expired; please reload the page."
    ),
    "Phiên làm việc đã hết hạn; thao tác vừa gửi chưa được thực hiện. Đăng nhập rồi gửi lại.": (
        "Your session had expired, so what you just sent was not done. Sign in, then send it again."
    ),
    "Không kết nối được máy chủ; thao tác chưa được lưu. Vui lòng thử lại.": (
        "The server could not be reached; nothing was saved. Please try again."
    ),
    "Về trang chủ": "Overview",
    "Quay lại": "Back",
    "Biểu mẫu đã cũ hoặc phiên đăng nhập đã đổi: tải lại trang rồi gửi lại.": (
        "The form is stale or the session changed: reload the page and send it again."
    ),
    "Trước đó": "Earlier",
    "Trang": "Pages",
    "Tiếp": "Next",
    "Trang đầu": "First page",
    "Trang này đã quá trang cuối của danh sách.": "This page is past the end of the list.",
    # backups
    "Sao lưu": "Backups",
    "Chưa đặt thư mục sao lưu: không có bản sao lưu hằng đêm.": (
        "No backup folder is set: no nightly backup is made."
    ),
    "Đặt": "Set",
    "(nên ở một ổ đĩa khác), rồi khởi động lại.": "(on another disk, ideally), then restart.",
    "Bản sao lưu gần nhất đã cũ:": "The newest backup is old:",
    "Chưa có bản sao lưu nào trong": "No backup yet in",
    "Hãy xem nhật ký của tiến trình nền, hoặc chạy": "Look at the background jobs' log, or run",
    "Đã sao lưu lúc": "Backed up at",
    "vào": "into",
    "Mỗi đêm sau": "Every night after",
    "tiến trình nền sao lưu cơ sở dữ liệu": "the background jobs back up the database",
    "cùng các tệp trong thư mục dữ liệu (công văn, minh chứng, mô hình). Khôi phục:": (
        "and the data folder's files (letters, evidence, models). To restore:"
    ),
    "THƯ_MỤC": "FOLDER",
    "(bản hiện có được sao lưu trước).": "(what is there now is backed up first).",
    "Thư mục": "Folder",
    "Tệp": "File",
    "Dung lượng": "Size",
    "Bản sao lưu gần nhất:": "Newest backup:",
    "Đang sao lưu…": "Backing up…",
    "Tải lại trang": "Reload",
    "Lần sao lưu vừa rồi không thành:": "The last backup failed:",
    "Sao lưu ngay": "Back up now",
    "trước một thay đổi lớn (nhập sổ đăng ký, gộp phòng ban…)": (
        "before a large change (a register import, a department merge…)"
    ),
    "Mã bài": "Article ID",
    "Tên danh sách theo dõi": "Watchlist name",
    "Đã lưu danh sách theo dõi «{name}».": "Saved the watchlist «{name}».",
    "Số lần báo cáo vượt cấp": "Times escalated",
    "Mã truy cập API đã thu hồi": "API tokens revoked",
    "Thay cho": "Replaces",
    "Chuyên mục": "Section",
    "Gộp vào": "Merged into",
    "Cờ": "Flags",
    "Phát hành lúc": "Issued at",
    "Đang bật": "Enabled",
    # a source's fetches, and what became of the links they found
    "Nhật ký hoạt động": "Activity",
    "Thành công": "Succeeded",
    "Không có gì mới": "Nothing new",
    "Lỗi tạm thời, sẽ thử lại": "Failed for now, tried again",
    "Thất bại": "Failed",
    "Trang trả về không dùng được": "An answer that cannot be used",
    "Liên kết mới": "New links",
    "liên kết mới": ["new link", "new links"],
    "Đã lưu": "Stored",
    "Trùng bài đã có": "Duplicate of a stored article",
    "Bỏ qua": "Skipped",
    "Bị loại": "Rejected",
    "Lỗi, sẽ thử lại": "Failed, tried again",
    "Đã hẹn thu thập nguồn tin này: bộ thu thập tải nó ở lượt tới.": (
        "This source is due now: the collector fetches it at its next round."
    ),
    (
        "Đã hẹn thu thập nguồn tin này ở lượt tới, nhưng không có bộ thu thập nào đang chạy: "
        "chỉ baochi run hoặc baochi worker mới thu thập."
    ): (
        "This source is due at the next round, but no collector is running: only baochi run or"
        " baochi worker collects."
    ),
    "Đã tắt nguồn tin: bộ thu thập không tải nó nữa.": (
        "Source disabled: the collector no longer fetches it."
    ),
    "Đã bật lại nguồn tin: bộ thu thập tải nó ở lượt tới.": (
        "Source enabled again: the collector fetches it at its next round."
    ),
    # users and departments refused
    "Người dùng «{name}» đã có.": "The user «{name}» exists already.",
    "Vai trò phải là một trong: {roles}.": "The role must be one of: {roles}.",
    "Mật khẩu cần ít nhất {least} ký tự.": "A password needs at least {least} characters.",
    "Cán bộ sở, ngành phải thuộc một phòng ban.": "An officer must belong to a department.",
    "Tên đăng nhập chỉ gồm chữ thường không dấu, số, '.', '_' hoặc '-'.": (
        "A username holds only lower-case letters without diacritics, digits, '.', '_' or '-'."
    ),
    "Không có người dùng này.": "No such user.",
    "Không thể tự khoá hoặc tự bỏ quyền quản trị của mình.": (
        "You cannot lock yourself or take away your own administrator role."
    ),
    "Vai trò không hợp lệ.": "Invalid role.",
    "Tên «{typed}»": "The name «{typed}»",
    "Mã «{typed}»": "The code «{typed}»",
    "{what} đã là của phòng ban «{name}».": "{what} is the department «{name}»'s already.",
    "{what} đã là của phòng ban «{name}», nay đã gộp vào «{heir}».": (
        "{what} is the department «{name}»'s, now merged into «{heir}»."
    ),
    "Cần tên phòng ban.": "A department needs a name.",
    "Tên phòng ban dài quá {most} ký tự.": "A department's name is longer than {most} characters.",
    "Chọn phòng ban nhận và xác nhận việc gộp.": (
        "Choose the department to merge into and confirm the merge."
    ),
    "Không thể gộp một phòng ban vào chính nó.": "A department cannot be merged into itself.",
    "Không có phòng ban này.": "No such department.",
    "Phòng ban «{name}» đã được gộp vào phòng ban khác.": (
        "The department «{name}» has been merged into another already."
    ),
    # the audit log
    "Đổi tên hiển thị, vai trò, phòng ban hoặc trạng thái": (
        "Change display name, role, department or status"
    ),
    "Hồ sơ {key}": "Case {key}",
    "Danh sách theo dõi {key}": "Watchlist {key}",
    "Bài báo {key}": "Article {key}",
    "Người dùng {key}": "User {key}",
    "Phòng ban {key}": "Department {key}",
    "Nguồn tin {key}": "Source {key}",
    "Mã truy cập API {key}": "API token {key}",
    "Sao lưu {key}": "Backup {key}",
    "Báo cáo {key}": "Report {key}",
    "Tệp {key}": "File {key}",
    "Chỉ tiêu {key}": "Target {key}",
    "Bài báo #123": "Article #123",
    "Dòng lệnh": "Command line",
    "Hệ thống": "System",
    "Người dùng chuyển sang": "Users moved",
    "Hồ sơ chuyển sang": "Cases moved",
    "Danh sách theo dõi chuyển sang": "Watchlists moved",
    "Quy tắc cảnh báo chuyển sang": "Alert rules moved",
}

# A query's mistakes are search's own, with their English (baochi.search.errors); here they are
# keyed by their Vietnamese as every phrase is, for a report whose watchlist cannot be searched.
CATALOGUES: dict[str, dict[str, English]] = {
    "vi": {},
    "en": EN | {vi: en for vi, en in QUERY_MISTAKES.values()},
}
AREA_CATALOGUE = "en.json"


def extend(folder: Path) -> None:
    """Add an area's English phrases, kept in its templates folder, to the catalogue."""
    path = folder / AREA_CATALOGUE
    if path.is_file():
        CATALOGUES["en"].update(json.loads(path.read_text(encoding="utf-8")))


def _form(found: English, one: bool) -> str:
    """A phrase's English, for one thing or for more when it has two forms."""
    if isinstance(found, str):
        return found
    return found[0] if one else found[-1]


def translator(lang: str) -> Callable[[str], str]:
    """The `_` function for a language: the catalogue's phrase (a counting word's form for
    more), else the Vietnamese one."""
    catalogue = CATALOGUES.get(lang, {})
    return lambda text: _form(catalogue.get(text, text), one=False)


def counter(lang: str) -> Callable[[str, float], str]:
    """The `_n` function for a language: a phrase as it reads beside a count ("1 article",
    "2 articles"); `_n(label, 1)` names one entry of what `_(label)` names as a list."""
    catalogue = CATALOGUES.get(lang, {})
    return lambda text, count: _form(catalogue.get(text, text), one=count == 1)


@runtime_checkable
class Sayable(Protocol):
    """A message with dynamic parts, written in a language by that language's `_n` (`counter`)."""

    def said(self, say: Callable[[str, float], str]) -> str: ...


def number(value: float, digits: int, lang: str) -> str:
    """A number as the language writes it, with `digits` decimals: "1.234,5" in Vietnamese,
    "1,234.5" in English."""
    if lang != "en":
        return vi_number(value, digits)
    return f"{value:,.{digits}f}" if math.isfinite(value) else str(value)


def figure(value: float, lang: str) -> str:
    """A reported figure with the decimals it has (to two), as the language writes it: 62.5
    reads "62,5" in Vietnamese, "62.5" in English; 8.0 reads "8"."""
    if lang != "en":
        return vi_figure(value)
    text = number(value, 2, lang)
    return text.rstrip("0").rstrip(".") if "." in text else text


def language(request: Request, preferred: str | None = None) -> str:
    """The language of this request: the cookie, else the user's preference, else Vietnamese."""
    chosen = request.cookies.get(COOKIE) or preferred or DEFAULT
    return chosen if chosen in LANGUAGES else DEFAULT

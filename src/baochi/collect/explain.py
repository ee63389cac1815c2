"""A failed fetch in the office's words: "http_403: https://…" tells Hoa nothing, "the site
refuses access: it may be blocking the collector" tells her what to do. The raw error stays
beside it for whoever looks further."""

from __future__ import annotations

# By the reason a failure starts with (baochi.failures: "reason: detail").
REASONS = {
    "timeout": "Trang không trả lời kịp",
    "connection": "Không kết nối được tới trang",
    "robots": "robots.txt của trang không cho thu thập địa chỉ này",
    "robots_unavailable": "Không đọc được robots.txt của trang",
    "content_type": "Địa chỉ không trả về RSS, sitemap hay trang tin",
    "bad_feed": "RSS hỏng, không đọc được",
    "not_feed": "Địa chỉ trả về một trang web, không phải RSS",
    "bad_sitemap": "Sitemap hỏng, không đọc được",
    "too_large": "Trang trả về quá lớn",
    "redirect_loop": "Trang chuyển hướng vòng quanh",
    "too_many_redirects": "Trang chuyển hướng quá nhiều lần",
    "blocked_address": "Địa chỉ trong mạng nội bộ: không được thu thập",
    "bad_redirect": "Trang chuyển hướng mà không nói tới đâu, hoặc tới một địa chỉ hỏng",
    "bad_url": "Địa chỉ hỏng, không gửi được yêu cầu",
    "scheme": "Không phải địa chỉ web (http, https): không được thu thập",
    "bad_compression": "Trang nén hỏng, không giải nén được",
    "content_encoding": "Trang nén theo cách không đọc được",
    "not_html": "Địa chỉ không trả về trang web",
    "bad_json": "Dữ liệu nền tảng trả về hỏng, không đọc được",
    "platform_unavailable": "Nền tảng mạng xã hội không trả lời hoặc từ chối yêu cầu",
    # an article page that did not become an article
    "listing": "Trang danh sách tin, không phải một bài",
    "no_content": "Không tìm thấy nội dung bài",
    "no_title": "Không tìm thấy tiêu đề bài",
    "too_short": "Bài quá ngắn",
    "extract_timeout": "Trang quá nặng: trích xuất bài quá thời gian cho phép",
    "extract_crashed": "Tiến trình trích xuất bài bị dừng đột ngột (có thể do thiếu bộ nhớ)",
    # a fault of the collector itself, logged with its traceback for whoever maintains it
    "internal": "Lỗi của bộ thu thập (đã ghi vào nhật ký): sẽ thử lại ở lần sau",
}
# By HTTP status; a status not here is told by its class.
STATUSES = {
    401: "Trang từ chối truy cập: có thể đang chặn bộ thu thập",
    403: "Trang từ chối truy cập: có thể đang chặn bộ thu thập",
    404: "Không còn địa chỉ này: nguồn tin có thể đã đổi địa chỉ",
    410: "Không còn địa chỉ này: nguồn tin có thể đã đổi địa chỉ",
    429: "Trang đề nghị thu thập chậm lại: sẽ chờ rồi thử lại",
}
CLIENT_ERROR = "Trang từ chối yêu cầu"
SERVER_ERROR = "Máy chủ của trang đang lỗi hoặc quá tải (hay lớp chống bot)"


def explain(error: str) -> str:
    """What a stored fetch error means, in Vietnamese (the status itself is in the raw error
    shown beside it); "" for none, or one not known here."""
    reason = error.split(":", 1)[0].strip()
    if reason.startswith("http_") and reason[5:].isdigit():
        status = int(reason[5:])
        return STATUSES.get(status, SERVER_ERROR if status >= 500 else CLIENT_ERROR)
    return REASONS.get(reason, "")

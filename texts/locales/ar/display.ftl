# شاشة قاعة الانتظار.
display-call = الرقم { $number }، { $desk }.
display-recall = تذكير: الرقم { $number }، { $desk }.
display-latest = النداء الحالي
display-previous = النداءات السابقة
display-waiting = في الانتظار
display-no-calls = لا توجد نداءات
display-reconnecting = لم يتم التحديث منذ { $time }: جارٍ إعادة الاتصال
display-enable-sound = تفعيل الصوت
display-key = مفتاح الشاشة
display-setup-key = يرفض الخادم مفتاح هذه الشاشة ({ $status }): تحقق من --key
display-setup-site = لا يعرف الخادم الموقع "{ $site }": تحقق من --site
display-setup-address = "{ $url }" ليس عنوان خادم: يجب أن يبدأ بـ http:// أو https://
display-setup-services = خدمات غير معروفة في هذا الموقع: { $ids } (تحقق من --services)
# للموظفين، بخط صغير في الأعلى: الصوت لا يعمل. $detail: السبب كما يذكره النظام.
display-sound-failing = الصوت لا يعمل: { $detail }
display-sound-missing = لا يوجد مشغل صوت: { $detail }
display-sound-chime-only = نغمة التنبيه فقط، بدون صوت: { $detail }
display-sound-not-enabled = الصوت غير مفعّل في هذا المتصفح: المس «تفعيل الصوت»

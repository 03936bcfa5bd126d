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

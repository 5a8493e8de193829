from django.urls import path

from shouhou.tickets import document_views

app_name = "ticket_documents"

urlpatterns = [
    path("<int:pk>/voucher.pdf", document_views.VoucherPdfView.as_view(), name="voucher-pdf"),
    path("<int:pk>/receipt.pdf", document_views.ReceiptPdfView.as_view(), name="receipt-pdf"),
    path("<int:pk>/sign/", document_views.SignVoucherView.as_view(), name="sign"),
]
